package winsvc

import (
	"context"
	"io"
)

// Command returns the `worker service` subcommand in cmd/worker's command
// shape: Main with run bound. cmd/worker passes its own dispatcher as run,
// so the service runs `worker MODE CONFIG …` in-process.
func Command(run RunFunc) func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		return Main(ctx, args, stdout, stderr, run)
	}
}

// Exit codes, as cmd/worker's.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)
