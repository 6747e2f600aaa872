// Command worker runs onec-connect: Kafka Connect-compatible connectors in
// one binary. See doc.go for the subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/onecconnect/onecconnect/internal/demo"
	"github.com/onecconnect/onecconnect/internal/tail"
	"github.com/onecconnect/onecconnect/internal/winsvc"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // runtime failure
	exitUsage   = 2 // bad usage or configuration
)

// command is one subcommand; run returns the exit code.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands; later ones (distributed, dev, onec
// inspect, tail) slot in here, one file each.
func commands() []command {
	return []command{
		{name: "standalone", summary: "WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]  run a standalone worker", run: runStandalone},
		{name: "distributed", summary: "WORKER.properties  run a worker of a distributed cluster", run: runDistributed},
		{name: "dev", summary: "[--broker-listen HOST:PORT] [--listeners URL]  in-memory development broker + distributed worker", run: runDev},
		{name: "onec", summary: "inspect (--dsn DSN | --cf FILE) [OBJECT ...]  show 1C metadata and the record schemas", run: runOneC},
		{name: "demo", summary: "[--seconds N]  the quick start: PostgreSQL, two 1C infobases, worker dev, three connectors, a live summary", run: demo.Main},
		{name: "tail", summary: "TOPIC [--from-beginning] [--converter json|avro|string|bytes]  print a topic's records", run: tail.Main},
		{name: "service", summary: "install|uninstall|start|stop|run  run as a Windows service", run: winsvc.Command(run)},
		{name: "version", summary: "print the version", run: runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "worker: unknown command %q (try: worker help)\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: worker <command> [arguments]")
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
}
