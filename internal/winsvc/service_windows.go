//go:build windows

package winsvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Main runs `worker service ACTION …` (see the package documentation) and
// returns the exit code: 0 on success, 2 for bad usage or a failed SCM
// operation (one line on stderr), 1 when the service's worker failed.
// run is only called by the run action.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, run RunFunc) int {
	o, err := parseOptions(args, stderr)
	if err != nil {
		if errors.Is(err, errHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "worker service: %v\n%s\n", err, usageLine)
		return exitUsage
	}
	switch o.action {
	case actionRun:
		return runService(ctx, o, run, stdout, stderr)
	case actionInstall:
		err = install(o, stdout)
	case actionUninstall:
		err = uninstall(ctx, o, stdout)
	case actionStart:
		err = start(ctx, o, stdout)
	case actionStop:
		err = stop(ctx, o, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "worker service %s: %s\n", o.action, strings.ReplaceAll(err.Error(), "\n", "; "))
		return exitUsage
	}
	return exitOK
}
