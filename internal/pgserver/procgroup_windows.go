//go:build windows

package pgserver

import "os/exec"

// detachProcessGroup does nothing on Windows, where throwaway clusters are
// not used (the tests and the demo run on Linux); it exists so the package
// compiles in cross-builds.
func detachProcessGroup(*exec.Cmd) {}
