//go:build unix && !linux

package demo

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in its own process group, so the terminal's Ctrl-C
// reaches only the demo, which then stops the worker in order.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate asks the process to stop gracefully.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGTERM) }
