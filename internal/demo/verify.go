package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// verifyTimeout bounds the wait for the pipelines to drain after a bounded
// run stops generating.
const verifyTimeout = 90 * time.Second

// verify waits until the demo has done its job — every connector created
// and RUNNING, records in every topic, the outbox and the change
// registrations drained, and the branch inbox holding each outbox message
// exactly once — and prints the verdict. It returns an error naming what
// is still missing at verifyTimeout.
func verify(ctx context.Context, o *observer, g *generator, skipped []string, out io.Writer) error {
	if len(skipped) > 0 {
		return fmt.Errorf("not every connector ran: %s", strings.Join(skipped, "; "))
	}
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	fmt.Fprintf(out, "\ndemo: generation stopped; waiting (at most %s) for the pipelines to drain…\n", verifyTimeout)
	messages := g.counts.messages.Load()
	var missing []string
	var s *snapshot
	for {
		s = o.take(ctx)
		missing = missing[:0]
		for _, c := range o.specs {
			if st := s.states[c.name]; st != "RUNNING" {
				missing = append(missing, fmt.Sprintf("connector %s is %s %s", c.name, orDash(st), s.problems[c.name]))
			}
		}
		for _, t := range o.allTopics() {
			if s.topics[t].records == 0 {
				missing = append(missing, "no records in topic "+t)
			}
		}
		if s.queueDepth != 0 {
			missing = append(missing, fmt.Sprintf("%d outbox messages not delivered", s.queueDepth))
		}
		if s.unsent != 0 {
			missing = append(missing, fmt.Sprintf("%d change registrations not delivered", s.unsent))
		}
		distinct, err := inboxMessages(ctx, o.branch, messages)
		switch {
		case err != nil:
			missing = append(missing, err.Error())
		case distinct != messages || s.branchRows != messages:
			missing = append(missing, fmt.Sprintf("branch inbox holds %d rows (%d distinct outbox messages), want %d",
				s.branchRows, distinct, messages))
		}
		if messages == 0 {
			missing = append(missing, "the generator wrote no outbox message")
		}
		if len(missing) == 0 || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	o.print(out, s)
	if len(missing) > 0 {
		return fmt.Errorf("after %s: %s", verifyTimeout, strings.Join(missing, "; "))
	}
	var total int64
	for _, t := range o.allTopics() {
		total += s.topics[t].records
	}
	fmt.Fprintf(out, "\ndemo: OK — %d records in %d topics; all %d outbox messages reached the branch infobase exactly once; "+
		"no registration or outbox row left behind.\n", total, len(o.allTopics()), messages)
	return nil
}

// inboxMessages counts the distinct outbox message numbers 1..want found
// in the bodies of the branch inbox.
func inboxMessages(ctx context.Context, ib *infobase, want int64) (int64, error) {
	var n int64
	err := ib.pool.QueryRow(ctx, fmt.Sprintf(`SELECT count(DISTINCT (%[1]s::text::jsonb->>'номер')::bigint) FROM %[2]s
		WHERE (%[1]s::text::jsonb->>'номер')::bigint BETWEEN 1 AND $1`, ib.inboxBody, ib.inboxTable), want).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read the branch inbox: %w", err)
	}
	return n, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
