package demo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// snapshot is one look at the whole demo: the connectors through the
// REST API and /metrics, the topics through Kafka, the lag through the
// infobases.
type snapshot struct {
	at         time.Time
	gen        genTotals         // the generator's totals when it was taken
	states     map[string]string // connector → state (or "task FAILED", …)
	problems   map[string]string // connector → first trace line
	totals     map[string]float64
	topics     map[string]topicStat
	queueDepth int64 // rows left in the trade outbox
	unsent     int64 // registrations of node KAFKA not yet delivered
	branchRows int64 // rows in the branch inbox
	errs       []string
}

// genTotals copies genCounts.
type genTotals struct {
	sales, prices, items, deletions, messages int64
}

func (c *genCounts) totals() genTotals {
	return genTotals{sales: c.sales.Load(), prices: c.prices.Load(), items: c.items.Load(),
		deletions: c.deletions.Load(), messages: c.messages.Load()}
}

// observer takes snapshots. Used by the orchestrating goroutine only.
type observer struct {
	rest    *restClient
	topics  *topicReader
	trade   *infobase
	branch  *infobase
	specs   []connectorSpec
	gen     *genCounts
	started time.Time // when generation started
	prev    *snapshot
}

// allTopics lists the topics of the created connectors, once each.
func (o *observer) allTopics() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range o.specs {
		for _, t := range s.topics {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// take looks at everything; failures of single sources are kept in errs
// so one slow part does not hide the rest.
func (o *observer) take(ctx context.Context) *snapshot {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	s := &snapshot{at: time.Now(), gen: o.gen.totals(), states: map[string]string{}, problems: map[string]string{},
		totals: map[string]float64{}, topics: map[string]topicStat{}}
	if m, err := o.rest.connectors(ctx); err != nil {
		s.errs = append(s.errs, err.Error())
	} else {
		for name, st := range m {
			s.states[name], s.problems[name] = st.state()
		}
	}
	if text, err := o.rest.metrics(ctx); err != nil {
		s.errs = append(s.errs, err.Error())
	} else {
		s.totals = recordTotals(text)
	}
	for _, t := range o.allTopics() {
		st, err := o.topics.stat(t)
		if err != nil {
			s.errs = append(s.errs, err.Error())
		}
		s.topics[t] = st
	}
	var err error
	if s.queueDepth, err = countRows(ctx, o.trade.pool, o.trade.outboxTable); err != nil {
		s.errs = append(s.errs, err.Error())
	}
	if s.unsent, err = unsentRegistrations(ctx, o.trade); err != nil {
		s.errs = append(s.errs, err.Error())
	}
	if s.branchRows, err = countRows(ctx, o.branch.pool, o.branch.inboxTable); err != nil {
		s.errs = append(s.errs, err.Error())
	}
	return s
}

// recordTotals sums the records each connector moved, from the worker's
// Prometheus text: acknowledged source records
// (connect_source_record_write_total) and records put by sinks
// (connect_sink_record_send_total), over tasks.
func recordTotals(text string) map[string]float64 {
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "connect_source_record_write_total{") && !strings.HasPrefix(line, "connect_sink_record_send_total{") {
			continue
		}
		end := strings.LastIndexByte(line, '}')
		if end < 0 {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(line[end+1:]), 64)
		if err != nil {
			continue
		}
		if name, ok := label(line[:end], "connector"); ok {
			out[name] += v
		}
	}
	return out
}

// label returns a label's value from `name{a="x",b="y"`.
func label(s, key string) (string, bool) {
	i := strings.Index(s, key+`="`)
	if i < 0 {
		return "", false
	}
	rest := s[i+len(key)+2:]
	var b strings.Builder
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '\\':
			if j+1 < len(rest) {
				j++
				b.WriteByte(rest[j])
			}
		case '"':
			return b.String(), true
		default:
			b.WriteByte(rest[j])
		}
	}
	return "", false
}

// lag describes a connector's backlog in 1C terms.
func (s *snapshot) lag(name string) string {
	switch name {
	case nameChanges:
		return fmt.Sprintf("unsent registrations: %d", s.unsent)
	case nameOutbox:
		return fmt.Sprintf("outbox queue depth: %d", s.queueDepth)
	case nameInbox:
		return fmt.Sprintf("branch inbox rows: %d", s.branchRows)
	}
	return ""
}

// print writes the snapshot as a compact table; rates are computed
// against the previous snapshot.
func (o *observer) print(w io.Writer, s *snapshot) {
	el := s.at.Sub(o.started).Round(time.Second)
	g := s.gen
	fmt.Fprintf(w, "\n── %s ── generated: %d sales, %d price changes, %d item changes, %d deletions, %d outbox messages\n",
		fmtDuration(el), g.sales, g.prices, g.items, g.deletions, g.messages)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  connector\tstate\trec/s\ttotal\tlag (1C)")
	for _, c := range o.specs {
		rate := "-"
		if o.prev != nil {
			if dt := s.at.Sub(o.prev.at).Seconds(); dt > 0 {
				rate = fmt.Sprintf("%.1f", (s.totals[c.name]-o.prev.totals[c.name])/dt)
			}
		}
		state := s.states[c.name]
		if state == "" {
			state = "?"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%.0f\t%s\n", c.name, state, rate, s.totals[c.name], s.lag(c.name))
	}
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  topic\trecords\tlast key\tlast value")
	for _, t := range o.allTopics() {
		st := s.topics[t]
		key, val := st.lastKey, st.lastVal
		switch {
		case st.records == 0:
			key, val = "-", "-"
		case st.lastTime.IsZero():
			key, val = "(reading…)", ""
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", t, st.records, key, val)
	}
	tw.Flush()
	for _, c := range o.specs {
		if p := s.problems[c.name]; p != "" {
			fmt.Fprintf(w, "  ! %s: %s\n", c.name, p)
		}
	}
	for _, e := range s.errs {
		fmt.Fprintf(w, "  ! %s\n", e)
	}
	o.prev = s
}

func fmtDuration(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
