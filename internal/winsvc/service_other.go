//go:build !windows

package winsvc

import (
	"context"
	"fmt"
	"io"
)

// NotAvailable is what Main prints on systems other than Windows.
const NotAvailable = "worker service is only available on Windows"

// Main runs `worker service ACTION …` (see the package documentation). On
// this OS it prints NotAvailable to stderr and returns 2.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, run RunFunc) int {
	fmt.Fprintln(stderr, NotAvailable)
	return exitUsage
}
