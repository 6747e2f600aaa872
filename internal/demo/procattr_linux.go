//go:build linux

package demo

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in its own process group, so the terminal's Ctrl-C
// reaches only the demo, which then stops the worker in order; and has the
// kernel send SIGTERM to the worker should the demo die without cleaning
// up.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}

// terminate asks the process to stop gracefully.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }
