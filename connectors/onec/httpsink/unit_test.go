package httpsink

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

func TestURLTemplate(t *testing.T) {
	rec := record("заказы", 3, 42, "ключ/1", "v")
	rec.Headers.AddString("Org", "ООО Ромашка")
	for _, tc := range []struct {
		tmpl, want, err string
	}{
		{tmpl: "https://h/base/hs/svc/${topic}/${partition}/${offset}", want: "https://h/base/hs/svc/%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D1%8B/3/42"},
		{tmpl: "http://h:8080/hs/svc/${key}?org=${header:Org}", want: "http://h:8080/hs/svc/%D0%BA%D0%BB%D1%8E%D1%87%2F1?org=%D0%9E%D0%9E%D0%9E+%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0"},
		{tmpl: "http://h/hs/svc/${header:Missing}", err: "no header"},
		{tmpl: "http://user:pw@h/hs/svc", err: "auth.user"},
		{tmpl: "http://${topic}.h/hs", err: "not in the host"},
		{tmpl: "ftp://h/x", err: "not http"},
		{tmpl: "h/x", err: "absolute"},
		{tmpl: "http://h/${nope}", err: "unknown placeholder"},
		{tmpl: "http://h/${topic", err: "unterminated"},
		{tmpl: "http://h/x#frag", err: "fragment"},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			tm, err := parseURLTemplate(tc.tmpl)
			var got string
			if err == nil {
				got, err = tm.render(rec)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "pw") {
					t.Fatalf("error shows the password: %v", err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	base := func() map[string]string {
		return map[string]string{"name": "x", "connector.class": Class, "topics": "in", KeyURL: "https://h/hs/svc/${topic}"}
	}
	for _, tc := range []struct {
		name   string
		mutate func(map[string]string)
		keys   []string
	}{
		{"good", func(map[string]string) {}, nil},
		{"credentials in url", func(c map[string]string) { c[KeyURL] = "https://admin:Secret1@h/hs/x" }, []string{KeyURL}},
		{"token and basic", func(c map[string]string) { c[KeyAuthToken] = "t"; c[KeyAuthUser] = "u" }, []string{KeyAuthToken}},
		{"password without user", func(c map[string]string) { c[KeyAuthPassword] = "p" }, []string{KeyAuthUser}},
		{"reply loops", func(c map[string]string) { c[KeyReplyTopic] = "in" }, []string{KeyReplyTopic}},
		{"unknown body converter", func(c map[string]string) { c[KeyBodyConverter] = "NoSuchConverter" }, []string{KeyBodyConverter}},
		{"missing CA", func(c map[string]string) { c[KeySSLCALocation] = "/nonexistent/ca.pem" }, []string{KeySSLCALocation}},
		{"cert without key", func(c map[string]string) { c[KeySSLCertLocation] = "/x.pem" }, []string{KeySSLKeyLocation}},
		{"backoff max below backoff", func(c map[string]string) { c[KeyRetryBackoffMs] = "500"; c[KeyRetryBackoffMaxMs] = "100" }, []string{KeyRetryBackoffMaxMs}},
		{"bad ordering", func(c map[string]string) { c[KeyOrdering] = "random" }, []string{KeyOrdering}},
		{"finish url with placeholder", func(c map[string]string) { c[KeySessionFinishURL] = "https://h/hs/${topic}" }, []string{KeySessionFinishURL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			props := base()
			tc.mutate(props)
			err := (&Connector{}).Validate(context.Background(), props)
			if tc.keys == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %v, want a validation error on %v", err, tc.keys)
			}
			for _, k := range tc.keys {
				if len(ve.Errors[k]) == 0 {
					t.Fatalf("no error on %s: %v", k, err)
				}
			}
			if strings.Contains(err.Error(), "Secret1") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}

func TestRetryBudgetDefault(t *testing.T) {
	for _, tc := range []struct {
		props map[string]string
		want  time.Duration
	}{
		{map[string]string{}, defaultRetryTimeout},
		{map[string]string{"errors.retry.timeout": "0"}, defaultRetryTimeout},
		{map[string]string{"errors.retry.timeout": "5000"}, 5 * time.Second},
		{map[string]string{"errors.retry.timeout": "-1"}, -time.Millisecond},
		{map[string]string{"errors.retry.timeout": "5000", KeyRetryTimeoutMs: "100"}, 100 * time.Millisecond},
	} {
		props := map[string]string{KeyURL: "http://h/x"}
		for k, v := range tc.props {
			props[k] = v
		}
		s, err := parseSettings(props)
		if err != nil {
			t.Fatal(err)
		}
		if s.retryTimeout != tc.want {
			t.Errorf("%v: budget %v, want %v", tc.props, s.retryTimeout, tc.want)
		}
	}
}

func TestRetriable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&StatusError{Status: 503}, true},
		{&StatusError{Status: 500}, true},
		{&StatusError{Status: 429}, true},
		{&StatusError{Status: 408}, true},
		{&StatusError{Status: 400}, false},
		{&StatusError{Status: 401}, false},
		{&StatusError{Status: 404}, false},
		{&StatusError{Status: 302}, false},
		{fmt.Errorf("dial: %w", errors.New("connection refused")), true},
		{permanent(errors.New("cannot encode")), false},
		{context.Canceled, false},
	} {
		if got := retriable(tc.err); got != tc.want {
			t.Errorf("retriable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestBackoffJitter(t *testing.T) {
	b := backoff{base: 100 * time.Millisecond, max: time.Second}
	for i, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		want *= time.Millisecond
		if i >= 4 {
			want = time.Second
		}
		d := b.next(0)
		if d < want/2 || d > want {
			t.Fatalf("attempt %d: delay %v outside [%v, %v]", i, d, want/2, want)
		}
	}
	if d := b.next(30 * time.Second); d != time.Second {
		t.Fatalf("Retry-After beyond max: %v", d)
	}
}

// TestDispatcherOrdering checks batch formation: one batch per key at a
// time with ordering=key, batches sharing a URL, and commit points that
// never pass an unacknowledged record.
func TestDispatcherOrdering(t *testing.T) {
	var launched []*batch
	d := newDispatcher(OrderingKey, 2, 10, func(b *batch) { launched = append(launched, b) })
	tp := connect.TopicPartition{Topic: "t", Partition: 0}
	items := []*item{
		{tp: tp, off: 0, key: "a", url: "u1"},
		{tp: tp, off: 1, key: "a", url: "u1"},
		{tp: tp, off: 2, key: "a", url: "u1"},
		{tp: tp, off: 3, key: "b", url: "u2"},
		{tp: tp, off: 4, key: "a", url: "u1"},
	}
	for _, it := range items {
		if !d.admit(it) {
			t.Fatal("fresh record refused")
		}
		d.enqueue(it)
	}
	if d.admit(&item{tp: tp, off: 2}) {
		t.Fatal("redelivered record admitted twice")
	}
	d.dispatch()
	// Key a: batch [0,1]; key b: [3]; key a's others wait for the first.
	if len(launched) != 2 || len(launched[0].items) != 2 || launched[0].items[1].off != 1 || launched[1].items[0].off != 3 {
		t.Fatalf("launched %v", describe(launched))
	}
	cur := map[connect.TopicPartition]int64{tp: 5}
	d.complete(launched[1], true) // b done: 3 acked, but 0 is not
	if got := d.committable(cur)[tp]; got != 0 {
		t.Fatalf("committable %d, want 0", got)
	}
	d.complete(launched[0], true)
	if got := d.committable(cur)[tp]; got != 2 {
		t.Fatalf("committable %d, want 2", got)
	}
	if len(launched) != 3 || launched[2].items[0].off != 2 || launched[2].items[1].off != 4 {
		t.Fatalf("launched %v", describe(launched))
	}
	d.complete(launched[2], true)
	if got := d.committable(cur)[tp]; got != 5 {
		t.Fatalf("committable %d, want 5", got)
	}
	if _, buffered := d.stats(); buffered != 0 {
		t.Fatalf("buffered %d", buffered)
	}
}

func describe(bs []*batch) string {
	var parts []string
	for _, b := range bs {
		var offs []string
		for _, it := range b.items {
			offs = append(offs, fmt.Sprint(it.off))
		}
		parts = append(parts, "["+strings.Join(offs, ",")+"]")
	}
	return strings.Join(parts, " ")
}

// TestBodies checks what goes over the wire for each kind of value.
func TestBodies(t *testing.T) {
	st := schema.StructBuilder().Field("Номер", schema.String().MustBuild()).Field("Сумма", schema.Int64().MustBuild()).MustBuild()
	sv := schema.NewStruct(st).MustPut("Номер", "0001").MustPut("Сумма", int64(5))
	for _, tc := range []struct {
		name   string
		format string
		batch  int
		values []any
		schema *schema.Schema
		want   string
	}{
		{"string as is", BodyAuto, 1, []any{`{"a":1}`}, nil, `{"a":1}`},
		{"bytes as is", BodyAuto, 1, []any{[]byte("<xml/>")}, nil, `<xml/>`},
		{"struct as JSON", BodyAuto, 1, []any{sv}, st, `{"Номер":"0001","Сумма":5}`},
		{"map as JSON", BodyAuto, 1, []any{map[string]any{"x": true}}, nil, `{"x":true}`},
		{"string through converter", BodyConverter, 1, []any{"text"}, nil, `"text"`},
		{"null", BodyAuto, 1, []any{nil}, nil, ``},
		{"batch array", BodyAuto, 3, []any{`{"a":1}`, "plain text", nil}, nil, `[{"a":1},"plain text",null]`},
		{"batch of one is an array", BodyAuto, 5, []any{`{"a":1}`}, nil, `[{"a":1}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotBody atomic.Value
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get(headerIBSession) != ibSessionFinish {
					gotBody.Store(readAllString(r))
				}
			}))
			defer srv.Close()
			task := startTask(t, newFakeContext(), map[string]string{KeyURL: srv.URL + "/hs/x", KeyBodyFormat: tc.format,
				KeyBatchSize: fmt.Sprint(tc.batch), KeyOrdering: OrderingNone, KeyMaxConcurrency: "1"})
			var recs []*connect.SinkRecord
			for i, v := range tc.values {
				r := record("t", 0, int64(i), nil, v)
				r.ValueSchema = tc.schema
				recs = append(recs, r)
			}
			if err := task.Put(context.Background(), recs); err != nil {
				t.Fatal(err)
			}
			waitCommitted(t, task, map[connect.TopicPartition]int64{{Topic: "t"}: int64(len(recs))}, 10*time.Second)
			if got, _ := gotBody.Load().(string); got != tc.want {
				t.Fatalf("body %q, want %q", got, tc.want)
			}
		})
	}
}

// TestHeadersAndAuth checks the request headers: basic auth, correlation
// id from the record header, key header, forwarded headers (reserved ones
// never), and the IBSession start/cookie/finish sequence.
func TestHeadersAndAuth(t *testing.T) {
	var mu = make(chan struct{}, 1)
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu <- struct{}{}
		h := r.Header.Clone()
		if c, err := r.Cookie(cookieIBSession); err == nil {
			h.Set("X-Seen-Cookie", c.Value)
		}
		h.Set("X-Method", r.Method)
		seen = append(seen, h)
		<-mu
		if r.Header.Get(headerIBSession) == ibSessionStart {
			http.SetCookie(w, &http.Cookie{Name: cookieIBSession, Value: "S1", Path: "/"})
		}
	}))
	defer srv.Close()
	task := NewTask()
	tctx := newFakeContext()
	if err := task.Start(context.Background(), tctx, map[string]string{KeyURL: srv.URL + "/hs/x", KeyAuthUser: "Иванов", KeyAuthPassword: "пароль",
		KeyHeadersForward: "X-Trace,Authorization", KeyMaxConcurrency: "1"}); err != nil {
		t.Fatal(err)
	}
	r1 := record("t", 0, 0, "K1", "a")
	r1.Headers.AddString("X-Correlation-ID", "corr-1")
	r1.Headers.AddString("X-Trace", "tr\n1")
	r1.Headers.AddString("Authorization", "Bearer stolen")
	r1.Headers.AddString("X-Other", "no")
	r2 := record("t", 0, 1, nil, "b")
	if err := task.Put(context.Background(), []*connect.SinkRecord{r1, r2}); err != nil {
		t.Fatal(err)
	}
	waitCommitted(t, task, map[connect.TopicPartition]int64{{Topic: "t"}: 2}, 10*time.Second)
	if err := task.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu <- struct{}{}
	defer func() { <-mu }()
	if len(seen) != 3 {
		t.Fatalf("%d requests, want 2 and a session finish", len(seen))
	}
	h1, h2, fin := seen[0], seen[1], seen[2]
	if u, p, ok := (&http.Request{Header: h1}).BasicAuth(); !ok || u != "Иванов" || p != "пароль" {
		t.Fatalf("basic auth %q %q %v", u, p, ok)
	}
	checks := []struct{ got, want string }{
		{h1.Get("X-Correlation-ID"), "corr-1"}, {h1.Get("X-Record-Key"), "K1"}, {h1.Get("X-Trace"), "tr%0A1"},
		{h1.Get("X-Other"), ""}, {h1.Get(headerIBSession), ibSessionStart}, {h1.Get("Content-Type"), "application/json; charset=utf-8"},
		{h2.Get("X-Correlation-ID"), "t-0-1"}, {h2.Get("X-Record-Key"), ""}, {h2.Get(headerIBSession), ""}, {h2.Get("X-Seen-Cookie"), "S1"},
		{fin.Get(headerIBSession), ibSessionFinish}, {fin.Get("X-Seen-Cookie"), "S1"}, {fin.Get("X-Method"), "GET"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if strings.HasPrefix(h1.Get("Authorization"), "Bearer") {
		t.Error("a record header overrode Authorization")
	}
}

// TestToleranceNoneFailsTask: a 4xx under errors.tolerance=none (the
// reporter refuses) fails the next Put and PreCommit, and the refused
// record's offset is never committable.
func TestToleranceNoneFailsTask(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(readAllString(r), "bad") {
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	tctx := newFakeContext()
	tctx.failOnReport = true
	task := startTask(t, tctx, map[string]string{KeyURL: srv.URL + "/hs/x", KeyMaxConcurrency: "1"})
	tp := connect.TopicPartition{Topic: "t"}
	if err := task.Put(context.Background(), []*connect.SinkRecord{record("t", 0, 0, "k", "ok"), record("t", 0, 1, "k", "bad"), record("t", 0, 2, "k", "ok")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for task.disp.err() == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := task.PreCommit(context.Background(), map[connect.TopicPartition]int64{tp: 3}); err == nil {
		t.Fatal("PreCommit after a refused record: no error")
	}
	if err := task.Put(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "HTTP 400") {
		t.Fatalf("Put after a refused record: %v", err)
	}
	if got := task.disp.committable(map[connect.TopicPartition]int64{tp: 3})[tp]; got != 1 {
		t.Fatalf("committable %d, want 1 (the refused record)", got)
	}
}

// TestRetryBudgetToErrorPath: a service that always answers 503 sends the
// record to the error path once the budget is spent, not earlier.
func TestRetryBudgetToErrorPath(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(headerIBSession) != ibSessionFinish {
			calls.Add(1)
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	tctx := newFakeContext()
	task := startTask(t, tctx, map[string]string{KeyURL: srv.URL + "/hs/x", KeyRetryBackoffMs: "5", KeyRetryBackoffMaxMs: "20", KeyRetryTimeoutMs: "200"})
	start := time.Now()
	if err := task.Put(context.Background(), []*connect.SinkRecord{record("t", 0, 0, "k", "v")}); err != nil {
		t.Fatal(err)
	}
	waitCommitted(t, task, map[connect.TopicPartition]int64{{Topic: "t"}: 1}, 10*time.Second)
	if el := time.Since(start); el < 200*time.Millisecond {
		t.Fatalf("gave up after %v, before the 200 ms budget", el)
	}
	reps := tctx.reports()
	if len(reps) != 1 || !errors.Is(reps[0].err, ErrRetryBudget) || calls.Load() < 5 {
		t.Fatalf("reports %v after %d calls", reps, calls.Load())
	}
}
