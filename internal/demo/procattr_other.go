//go:build !unix

package demo

import "os/exec"

// detach does nothing where process groups do not exist.
func detach(*exec.Cmd) {}

// terminate kills the process: there is no SIGTERM to send.
func terminate(cmd *exec.Cmd) error { return cmd.Process.Kill() }
