package httpsink

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// registry makes a fresh plugin registry holding the HTTP sink.
func registry() *plugins.Registry { return connecttest.Registry(Plugin())() }

// bodyStore is an HTTP service that keeps the bodies it accepted per path,
// in order, and refuses bodies containing "bad" with 422.
type bodyStore struct {
	mu     sync.Mutex
	bodies map[string][]string
}

func newBodyStore(t *testing.T) (*bodyStore, *httptest.Server) {
	s := &bodyStore{bodies: map[string][]string{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(headerIBSession) == ibSessionFinish || r.Method == http.MethodGet {
			return
		}
		buf := new(strings.Builder)
		_, _ = fmt.Fprint(buf, readAllString(r))
		if strings.Contains(buf.String(), "bad") {
			http.Error(w, "cannot post", http.StatusUnprocessableEntity)
			return
		}
		s.mu.Lock()
		s.bodies[r.URL.Path] = append(s.bodies[r.URL.Path], buf.String())
		s.mu.Unlock()
		_, _ = w.Write([]byte("done " + buf.String()))
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

func readAllString(r *http.Request) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

func (s *bodyStore) get(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies[path]...)
}

// TestAcceptance runs the connector acceptance suite (validation,
// lifecycle, resume from offsets, no goroutine leak, no secrets in logs or
// REST output) against an HTTP service.
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance suite: several worker stacks")
	}
	store, srv := newBodyStore(t)
	const token = "tok-3f9a1c77e2"
	connecttest.Run(t, connecttest.Spec{
		Class:   Class,
		Plugins: registry,
		Config: func(env *connecttest.Env) map[string]string {
			return map[string]string{
				"topics": env.Topic, "tasks.max": "1",
				KeyURL: srv.URL + "/hs/kafka/${topic}", KeyAuthToken: token,
			}
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "credentials in url", Mutate: func(c map[string]string) { c[KeyURL] = "http://u:secret@127.0.0.1/hs/x" }, Keys: []string{KeyURL}},
			{Name: "placeholder in host", Mutate: func(c map[string]string) { c[KeyURL] = "http://${topic}.example/hs/x" }, Keys: []string{KeyURL}},
			{Name: "token with user", Mutate: func(c map[string]string) { c[KeyAuthUser] = "u" }, Keys: []string{KeyAuthToken}},
			{Name: "zero concurrency", Mutate: func(c map[string]string) { c[KeyMaxConcurrency] = "0" }, Keys: []string{KeyMaxConcurrency}},
		},
		Passwords: []string{token},
		Sink: &connecttest.SinkSpec{Read: func(t testing.TB, env *connecttest.Env) []string {
			return store.get("/hs/kafka/" + env.Topic)
		}},
	})
}

// TestWorkerDLQAndReplies runs the connector in a real worker: records the
// service refuses (4xx) land in the dead-letter queue with Kafka Connect's
// context headers, the others reach the service once, and replies land in
// the reply topic.
func TestWorkerDLQAndReplies(t *testing.T) {
	k := testkit.Kafka(t)
	topic, dlq, replies := testkit.UniqueTopic("in"), testkit.UniqueTopic("dlq"), testkit.UniqueTopic("replies")
	for _, tp := range []string{topic, dlq, replies} {
		k.CreateTopic(t, tp, 1, nil)
	}
	store, srv := newBodyStore(t)
	stack := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: registry()})
	cfg := map[string]string{
		"connector.class": Class, "topics": topic, "tasks.max": "1",
		"errors.tolerance": "all", "errors.deadletterqueue.topic.name": dlq,
		"errors.deadletterqueue.topic.replication.factor": "1", "errors.deadletterqueue.context.headers.enable": "true",
		KeyURL: srv.URL + "/hs/kafka/${topic}", KeyReplyTopic: replies, KeyReplyBootstrap: k.BootstrapString(),
		KeyRetryBackoffMs: "10",
	}
	stack.Client.Expect(t, "PUT", connecttest.Path("http-dlq", "/config"), cfg, 201, nil)
	var msgs []*sarama.ProducerMessage
	var good, bad []string
	for i := range 30 {
		v := fmt.Sprintf(`{"n":%d}`, i)
		if i%7 == 3 {
			v = fmt.Sprintf(`{"n":%d,"bad":true}`, i)
			bad = append(bad, v)
		} else {
			good = append(good, v)
		}
		msgs = append(msgs, testkit.Message(topic, fmt.Sprintf("k%d", i%4), v))
	}
	k.Produce(t, msgs...)

	dead := k.WaitFor(t, dlq, len(bad), 30*time.Second)
	for i, m := range dead {
		if string(m.Value) != bad[i] && !containsValue(bad, string(m.Value)) {
			t.Fatalf("DLQ record %q is not a bad record", m.Value)
		}
		h := map[string]string{}
		for _, rh := range m.Headers {
			h[string(rh.Key)] = string(rh.Value)
		}
		if h["__connect.errors.topic"] != topic || h["__connect.errors.stage"] != "TASK_PUT" ||
			!strings.Contains(h["__connect.errors.exception.message"], "422") {
			t.Fatalf("DLQ record %q lacks context headers: %v", m.Value, h)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(store.get("/hs/kafka/"+topic)) < len(good) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	got := store.get("/hs/kafka/" + topic)
	if len(got) != len(good) {
		t.Fatalf("service got %d records, want %d", len(got), len(good))
	}
	rep := k.WaitFor(t, replies, len(good), 30*time.Second)
	for _, m := range rep {
		if !strings.HasPrefix(string(m.Value), "done {") || !strings.HasPrefix(string(m.Key), topic+"-0-") {
			t.Fatalf("reply %s=%s", m.Key, m.Value)
		}
	}
}

func containsValue(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
