//go:build !windows

package testkit

import (
	"os/exec"
	"syscall"
)

// detachProcessGroup starts cmd in its own process group, so a Ctrl-C sent
// to the test's group does not kill it before the test cleans up.
func detachProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
