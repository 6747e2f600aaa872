package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// Names of the demo's connectors and topics.
const (
	nameChanges  = "trade-changes"
	nameOutbox   = "trade-outbox"
	nameInbox    = "branch-inbox"
	topicPrefix  = "demo"
	outboxTopic  = "demo.outbox"
	stringConv   = "org.apache.kafka.connect.storage.StringConverter"
	jsonConv     = "org.apache.kafka.connect.json.JsonConverter"
	runningLimit = 60 * time.Second
)

// connectorSpec is one connector the demo creates.
type connectorSpec struct {
	name   string
	class  string
	role   string   // one line for people
	topics []string // topics it writes (sources) or reads (sink)
	config map[string]string
}

// changesTopics returns the topic of every changes object, as the
// changes source names them: topic.template ${prefix}.${kind}.${name},
// transliterated.
func changesTopics() []string {
	out := make([]string, len(changesObjects))
	for i, o := range changesObjects {
		kind, name, err := onectest.ParseFullName(o)
		if err != nil {
			panic(err) // the names are constants of this package
		}
		out[i] = translit.Topic(topicPrefix + "." + kind.English() + "." + name)
	}
	return out
}

// connectorSpecs returns the three demo connectors: the changes source
// and the outbox queue source on the trade infobase, the inbound queue
// sink on the branch.
func connectorSpecs(tradeURL, branchURL, dbUser string) []connectorSpec {
	db := func(u string) map[string]string {
		return map[string]string{"database.url": u, "database.user": dbUser}
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	return []connectorSpec{
		{name: nameChanges, class: "OneCChangesSource", topics: changesTopics(),
			role: "exchange-plan changes of " + exchangePlan + " node " + exchangeNode + " → a topic per object",
			config: with(db(tradeURL),
				"connector.class", "OneCChangesSource", "tasks.max", "1",
				"exchange.plan", exchangePlan, "node", exchangeNode, "objects", strings.Join(changesObjects, ","),
				"topic.prefix", topicPrefix, "snapshot.mode", "initial",
				"poll.interval.ms", "200", "pending.count.interval.ms", "2000",
				"key.converter", jsonConv, "key.converter.schemas.enable", "false",
				"value.converter", jsonConv, "value.converter.schemas.enable", "false")},
		{name: nameOutbox, class: "OneCQueueSource", topics: []string{outboxTopic},
			role: "outbox " + onectest.OutgoingQueue + " → " + outboxTopic + " (rows deleted after Kafka's ack)",
			config: with(db(tradeURL),
				"connector.class", "OneCQueueSource", "tasks.max", "1",
				"register", onectest.OutgoingQueue, "order.by", "НомерСообщения", "mode", "delete",
				"topic", outboxTopic, "key.field", "Ключ", "value.field", "Тело",
				"headers.json.field", "Заголовки", "timestamp.field", "ДатаСоздания", "poll.interval.ms", "200",
				"key.converter", stringConv, "value.converter", stringConv)},
		{name: nameInbox, class: "OneCQueueSink", topics: []string{outboxTopic},
			role: outboxTopic + " → branch infobase " + onectest.IncomingQueue + " (exactly once)",
			config: with(db(branchURL),
				"connector.class", "OneCQueueSink", "tasks.max", "1", "topics", outboxTopic,
				"register", onectest.IncomingQueue, "topic.field", "Топик", "partition.field", "Раздел",
				"offset.field", "Смещение", "key.field", "Ключ", "value.field", "Тело",
				"headers.json.field", "Заголовки", "received.field", "ДатаПоступления", "batch.linger.ms", "200",
				"key.converter", stringConv, "value.converter", stringConv)},
	}
}

// createConnectors creates every spec whose class the worker has, through
// POST /connectors, and returns those created; a missing plugin is
// reported to out and skipped (the verdict of a bounded run then fails).
func createConnectors(ctx context.Context, c *restClient, specs []connectorSpec, out io.Writer) ([]connectorSpec, []string, error) {
	classes, err := c.pluginClasses(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list connector plugins: %w", err)
	}
	var created []connectorSpec
	var skipped []string
	for _, s := range specs {
		if !classes[s.class] {
			msg := fmt.Sprintf("%s skipped: this worker binary has no %s plugin", s.name, s.class)
			fmt.Fprintf(out, "      %s\n", msg)
			skipped = append(skipped, msg)
			continue
		}
		if err := createConnector(ctx, c, s); err != nil {
			return nil, nil, err
		}
		created = append(created, s)
	}
	return created, skipped, nil
}

// createConnector posts one connector, repeating the request while the
// worker answers 409 (a rebalance or a config change in progress), for at
// most runningLimit.
func createConnector(ctx context.Context, c *restClient, s connectorSpec) error {
	ctx, cancel := context.WithTimeout(ctx, runningLimit)
	defer cancel()
	body := map[string]any{"name": s.name, "config": s.config}
	for {
		err := c.do(ctx, http.MethodPost, "/connectors", body, nil)
		if err == nil {
			return nil
		}
		if !isConflict(err) {
			return fmt.Errorf("create connector %s: %w", s.name, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create connector %s: %w (still after %s)", s.name, err, runningLimit)
		case <-time.After(300 * time.Millisecond):
		}
	}
}

// waitRunning waits until every created connector and its tasks are
// RUNNING; a FAILED one ends the wait with its trace.
func waitRunning(ctx context.Context, c *restClient, specs []connectorSpec) error {
	ctx, cancel := context.WithTimeout(ctx, runningLimit)
	defer cancel()
	var last string
	for {
		m, err := c.connectors(ctx)
		if err == nil {
			pending := []string{}
			for _, s := range specs {
				st, ok := m[s.name]
				if !ok {
					pending = append(pending, s.name+" (not listed yet)")
					continue
				}
				state, problem := st.state()
				if strings.Contains(state, "FAILED") {
					return fmt.Errorf("connector %s is %s: %s", s.name, state, problem)
				}
				if state != "RUNNING" {
					pending = append(pending, s.name+" "+state)
				}
			}
			if len(pending) == 0 {
				return nil
			}
			last = strings.Join(pending, ", ")
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("connectors not RUNNING after %s: %s", runningLimit, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// connectorPath is /connectors/NAME with the name escaped.
func connectorPath(name string) string { return "/connectors/" + url.PathEscape(name) }
