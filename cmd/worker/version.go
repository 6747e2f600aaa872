package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at link time: -ldflags "-X main.version=1.2.3".
var version = "dev"

// restAPIVersion is the Kafka Connect version whose REST API the worker
// serves; GET / reports it as "version" so Kafka tooling enables features
// (stop, offsets, PATCH config) by it.
const restAPIVersion = "3.9.0"

// commit returns the VCS revision the binary was built from, if known.
func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "worker version: no arguments expected")
		return exitUsage
	}
	fmt.Fprintf(stdout, "onec-connect %s (commit %s, Kafka Connect REST API %s, %s)\n", version, commit(), restAPIVersion, runtime.Version())
	return exitOK
}
