package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
)

// dbUser is the database login the connectors use: the throwaway cluster's
// superuser, trusted on loopback (so no password is needed).
const dbUser = "postgres"

// run sets everything up, runs the demo and cleans up; it returns the exit
// code.
func run(ctx context.Context, o *options, stdout, stderr io.Writer) int {
	cl := &cleanup{}
	err := demo(ctx, o, stdout, cl)
	interrupted := ctx.Err() != nil
	if interrupted {
		fmt.Fprintln(stdout, "\ndemo: interrupted; stopping the generator, the worker and PostgreSQL, removing the temporary data…")
	} else {
		fmt.Fprintln(stdout, "\ndemo: stopping the generator, the worker and PostgreSQL, removing the temporary data…")
	}
	failures := cl.run(stderr)
	switch {
	case errors.Is(err, errNoPostgres):
		fmt.Fprintf(stderr, "demo: %v\ndemo: install PostgreSQL's server binaries, then run make demo again:\n  %s\n", err, installHint)
		return exitUsage
	case err != nil && !(interrupted && errors.Is(err, context.Canceled)):
		fmt.Fprintf(stderr, "demo: FAILED: %v\n", err)
		return exitFailure
	case interrupted && o.seconds > 0:
		fmt.Fprintln(stderr, "demo: interrupted before the bounded run finished")
		return exitFailure
	case failures > 0:
		return exitFailure
	}
	fmt.Fprintln(stdout, "demo: done; everything it started is stopped and removed.")
	return exitOK
}

// demo runs the steps of the package documentation, pushing the undo of
// each onto cl.
func demo(ctx context.Context, o *options, out io.Writer, cl *cleanup) error {
	dir, err := os.MkdirTemp("", "onec-demo-")
	if err != nil {
		return fmt.Errorf("temporary directory: %w", err)
	}
	cl.push("remove "+dir, func() error { return os.RemoveAll(dir) })
	fmt.Fprintf(out, "onec-connect demo: everything it starts lives under %s and goes away when it stops.\n\n", dir)

	pg, err := startPostgres(ctx, cl)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[1/5] PostgreSQL %s: a throwaway cluster on 127.0.0.1:%d (%s)\n", serverVersion(ctx, pg), pg.Port(), pg.Dir())

	tradePool, err := createDatabase(ctx, pg, "demo_trade", cl)
	if err != nil {
		return err
	}
	trade, err := buildInfobase(ctx, "demo_trade", tradePool)
	if err != nil {
		return err
	}
	if err := seedTrade(ctx, trade); err != nil {
		return err
	}
	branchPool, err := createDatabase(ctx, pg, "demo_branch", cl)
	if err != nil {
		return err
	}
	branch, err := buildInfobase(ctx, "demo_branch", branchPool)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "[2/5] two 1C infobases of the test configuration «Торговля» (onectest.Trade):\n"+
		"      demo_trade   the source: %d items, %d counterparties, %d sales documents, prices; %s node %s\n"+
		"      demo_branch  a branch that receives the outbox messages into %s\n",
		seedItems, seedCounterparts, seedSales, exchangePlan, exchangeNode, "РегистрСведений.ВходящаяОчередь")

	w, err := startWorker(ctx, o.workerBin, dir, cl)
	if err != nil {
		return err
	}
	user, password := w.credentials()
	fmt.Fprintf(out, "[3/5] worker dev (%s): embedded broker %s, REST API %s\n", o.workerBin, w.bootstrap, w.restURL)
	fmt.Fprintf(out, "      REST credentials generated at first start: user %s, password %s\n", user, password)
	fmt.Fprintf(out, "      (stored as a bcrypt hash in %s; every curl below carries them)\n", w.usersFile)
	fmt.Fprintf(out, "      worker log: %s\n", w.logPath)
	rc := newRESTClient(w.restURL, user, password)

	if err := createTopic(w.bootstrap, outboxTopic); err != nil {
		return err
	}
	tr, err := newTopicReader(w.bootstrap)
	if err != nil {
		return err
	}
	cl.push("close the Kafka client", func() error { tr.close(); return nil })

	specs := connectorSpecs(connectorURL(pg, "demo_trade"), connectorURL(pg, "demo_branch"), dbUser)
	fmt.Fprintln(out, "[4/5] connectors, created through POST /connectors:")
	created, skipped, err := createConnectors(ctx, rc, specs, out)
	if err != nil {
		return err
	}
	for _, s := range created {
		fmt.Fprintf(out, "      %-14s %-18s %s\n", s.name, s.class, s.role)
	}
	if err := waitRunning(ctx, rc, created); err != nil {
		return err
	}

	printHints(out, o, w, user, password, created)
	g := newGenerator(trade)
	gctx, stopGen := context.WithCancel(ctx)
	genDone := make(chan error, 1)
	go func() { genDone <- g.run(gctx, o.rate) }()
	var genErr error
	genStopped := false
	stopGenerator := func() error {
		stopGen()
		if !genStopped {
			genStopped = true
			genErr = <-genDone
		}
		return genErr
	}
	cl.push("stop the generator", stopGenerator)
	bound := "until Ctrl-C"
	if o.seconds > 0 {
		bound = fmt.Sprintf("for %d s", o.seconds)
	}
	fmt.Fprintf(out, "[5/5] changing the demo data %s (%d changes/s: sales with goods lines, price changes, item changes, deletions, outbox messages); a summary every %s:\n",
		bound, o.rate, o.interval)

	obs := &observer{rest: rc, topics: tr, trade: trade, branch: branch, specs: created, gen: &g.counts, started: time.Now()}
	tick := time.NewTicker(o.interval)
	defer tick.Stop()
	var end time.Time
	if o.seconds > 0 {
		end = obs.started.Add(time.Duration(o.seconds) * time.Second)
	}
	for {
		var deadline <-chan time.Time
		if !end.IsZero() {
			deadline = time.After(time.Until(end))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-genDone:
			genStopped, genErr = true, err
			return fmt.Errorf("generator: %w", err)
		case <-tick.C:
		case <-deadline:
		}
		if !w.alive() {
			return fmt.Errorf("the worker exited; its log:\n%s", w.logTail(30))
		}
		if !end.IsZero() && !time.Now().Before(end) {
			if err := stopGenerator(); err != nil {
				return fmt.Errorf("generator: %w", err)
			}
			return verify(ctx, obs, g, skipped, out)
		}
		obs.print(out, obs.take(ctx))
	}
}

// printHints shows what to try while the demo runs, with the credentials
// in every command.
func printHints(out io.Writer, o *options, w *workerProc, user, password string, created []connectorSpec) {
	auth := "-u " + user + ":" + password + " "
	bin := o.workerBin
	if rel, err := filepath.Rel(".", bin); err == nil && !strings.HasPrefix(rel, "..") {
		bin = rel
		if !strings.ContainsRune(bin, filepath.Separator) {
			bin = "." + string(filepath.Separator) + bin
		}
	}
	u := w.restURL
	fmt.Fprintf(out, "\nTry, in another terminal:\n")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  curl %s'%s/connectors?expand=status'\t# state of every connector and task\n", auth, u)
	fmt.Fprintf(tw, "  curl %s-X PUT %s%s/pause\t# the outbox queue depth grows…\n", auth, u, connectorPath(nameOutbox))
	fmt.Fprintf(tw, "  curl %s-X PUT %s%s/resume\t# …and drains\n", auth, u, connectorPath(nameOutbox))
	fmt.Fprintf(tw, "  curl %s%s%s/offsets\t# source offsets (message numbers)\n", auth, u, connectorPath(nameChanges))
	fmt.Fprintf(tw, "  curl %s%s/metrics\t# Prometheus metrics\n", auth, u)
	tw.Flush()
	fmt.Fprintf(out, "  %s tail %s --bootstrap-server %s --from-beginning --converter string\n", bin, outboxTopic, w.bootstrap)
	for _, s := range created {
		if s.name == nameChanges && len(s.topics) > 2 {
			fmt.Fprintf(out, "  %s tail %s --bootstrap-server %s --from-beginning --schemas-enable=false\n", bin, s.topics[2], w.bootstrap)
		}
	}
	fmt.Fprintln(out, "Ctrl-C stops everything and removes the temporary data.")
}
