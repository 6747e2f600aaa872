package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Exit codes of Main.
const (
	exitOK      = 0
	exitFailure = 1 // a step failed, or a bounded run missed records
	exitUsage   = 2 // bad usage, or PostgreSQL's binaries are missing
)

// EnvSeconds bounds a run like --seconds: generate for that many seconds,
// verify, exit.
const EnvSeconds = "DEMO_SECONDS"

// options are the parsed command line.
type options struct {
	workerBin string
	seconds   int           // 0 = until ctx ends
	interval  time.Duration // summary period
	rate      int           // generator changes per second
}

const usageText = `usage: worker demo [--worker-bin PATH] [--seconds N] [--interval DURATION] [--rate N]

Start a throwaway PostgreSQL with two 1C-shaped infobases, run worker dev,
create a changes source, an outbox queue source and an inbound queue sink
through its REST API, keep changing the demo data and print a summary every
few seconds. Ctrl-C stops everything and removes the temporary data.
With --seconds (or DEMO_SECONDS) it stops by itself, checks that records
reached every topic and the branch infobase, and exits 0, or 1 naming what
is missing.

Flags:
`

// Main runs the demo (see the package documentation) until ctx ends or,
// with --seconds/DEMO_SECONDS, for a bounded time. Progress and the
// summary go to stdout, diagnostics to stderr. It returns the exit code:
// 0 success, 1 failure, 2 bad usage or PostgreSQL not installed.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "worker demo: %v\n", err)
		printUsage(stderr)
		return exitUsage
	}
	return run(ctx, o, stdout, stderr)
}

func flags(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("worker demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.workerBin, "worker-bin", o.workerBin, "the worker binary to run `worker dev` with")
	fs.IntVar(&o.seconds, "seconds", o.seconds, "generate for N seconds, verify and exit (0: until Ctrl-C; default $"+EnvSeconds+")")
	fs.DurationVar(&o.interval, "interval", o.interval, "how often the summary is printed")
	fs.IntVar(&o.rate, "rate", o.rate, "changes the generator makes per second (1-200)")
	return fs
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, usageText)
	fs := flags(&options{})
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parseOptions reads the flags over the defaults: the running binary when
// it is the worker (else bin/worker), DEMO_SECONDS, a summary every 3 s,
// 5 changes per second.
func parseOptions(args []string, getenv func(string) string) (*options, error) {
	o := &options{workerBin: defaultWorkerBin(), interval: 3 * time.Second, rate: 5}
	if v := strings.TrimSpace(getenv(EnvSeconds)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s=%q: want a number of seconds", EnvSeconds, v)
		}
		o.seconds = n
	}
	fs := flags(o)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.seconds < 0:
		return nil, fmt.Errorf("--seconds %d: want 0 or more", o.seconds)
	case o.interval < 500*time.Millisecond || o.interval > time.Hour:
		return nil, fmt.Errorf("--interval %s: want 500ms to 1h", o.interval)
	case o.rate < 1 || o.rate > 200:
		return nil, fmt.Errorf("--rate %d: want 1 to 200", o.rate)
	case strings.TrimSpace(o.workerBin) == "":
		return nil, errors.New("--worker-bin: empty")
	}
	return o, nil
}

// defaultWorkerBin is the running executable when it is the worker
// (`worker demo`), else bin/worker (what `make build` writes).
func defaultWorkerBin() string {
	if exe, err := os.Executable(); err == nil {
		if base := strings.TrimSuffix(filepath.Base(exe), ".exe"); base == "worker" {
			return exe
		}
	}
	return filepath.Join("bin", "worker")
}
