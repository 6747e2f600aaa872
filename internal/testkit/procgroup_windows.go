//go:build windows

package testkit

import "os/exec"

// detachProcessGroup does nothing on Windows, where the PostgreSQL harness
// is not used (the tests run on Linux); it exists so the package compiles
// in cross-builds.
func detachProcessGroup(*exec.Cmd) {}
