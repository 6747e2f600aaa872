package main

import (
	"context"
	"fmt"
	"io"

	"github.com/onecconnect/onecconnect/connectors/onec/inspect"
)

// runOneC dispatches `worker onec <subcommand>`: tools that work on a 1C
// infobase directly.
func runOneC(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "usage: worker onec inspect (--dsn DSN | --cf FILE) [OBJECT ...] [--format table|json]")
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "inspect":
		return inspect.Main(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "worker onec: unknown command %q (try: worker onec inspect --help)\n", args[0])
	return exitUsage
}
