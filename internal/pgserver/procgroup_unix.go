//go:build !windows

package pgserver

import (
	"os/exec"
	"syscall"
)

// detachProcessGroup starts cmd in its own process group, so a Ctrl-C sent
// to the starting process's group does not kill the watchdog before that
// process has cleaned up.
func detachProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
