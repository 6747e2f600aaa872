package tail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/IBM/sarama"

	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Exit codes, as cmd/worker's.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// Main runs `worker tail` with args (after "tail"): it prints the records
// of a topic to stdout and notices and errors to stderr, and returns the exit
// code: 0 when ctx ends (Ctrl-C, SIGTERM), after --max-messages records or
// after --timeout without a record; 2 for bad flags (with the usage), a bad
// worker config, an unreachable broker or a missing topic; 1 for other
// failures. It blocks until then and is safe to call concurrently.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, os.Getenv, stdout, stderr)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, getenv, stderr)
	if err != nil {
		if errors.Is(err, errHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "worker tail: %v\n", err)
		fmt.Fprintln(stderr, "usage: worker tail TOPIC [--from-beginning] [--converter json|avro|string|bytes] [flags] (worker tail --help)")
		return exitUsage
	}
	wc, err := workerConfig(ctx, o)
	if err != nil {
		return fail(stderr, exitUsage, err)
	}
	dec, err := newDecoders(o, wc, plugins.Default)
	if err != nil {
		return fail(stderr, exitUsage, err)
	}
	cc, err := consumerConfig(wc)
	if err != nil {
		return fail(stderr, exitUsage, err)
	}
	client, err := connect(ctx, cc)
	if err != nil {
		if ctx.Err() != nil {
			return exitOK
		}
		return fail(stderr, exitUsage, err)
	}
	defer client.Close()
	parts, err := partitions(client, o.topic, o.partition)
	if err != nil {
		return fail(stderr, exitUsage, err)
	}
	initial := sarama.OffsetNewest
	if o.fromBeginning {
		initial = sarama.OffsetOldest
	}
	rd := &reader{client: client, topic: o.topic, partitions: parts, initial: initial,
		max: o.maxMessages, idle: o.timeout, notices: stderr}
	pr := &printer{w: stdout, format: o.format, dec: dec}
	n, why, err := rd.run(ctx, pr.print)
	if err != nil {
		return fail(stderr, exitFailure, err)
	}
	switch why {
	case stopIdle:
		fmt.Fprintf(stderr, "tail: no record for %s; %d record(s) printed\n", o.timeout, n)
	case stopCancelled:
		fmt.Fprintf(stderr, "tail: stopped; %d record(s) printed\n", n)
	}
	return exitOK
}

// fail prints err as one line and returns code.
func fail(stderr io.Writer, code int, err error) int {
	fmt.Fprintf(stderr, "worker tail: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
	return code
}
