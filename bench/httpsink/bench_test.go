// Package httpsink_test benchmarks OneCHTTPSink: requests per second a task
// sends to a no-op HTTP service at max.concurrency 1, 2 and 8, next to the
// limit measured in the same run — a bare net/http client loop with the
// same concurrency against the same server.
//
//	go test -run '^$' -bench . -benchtime 20000x ./bench/httpsink/
package httpsink_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/httpsink"
)

var concurrencies = []int{1, 2, 8}

// noop answers 200 with a small JSON body, as a trivial 1C handler would.
func noop(t testing.TB) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const value = `{"Ссылка":"5d8e2f3a-1b7c-11ee-9c4a-0050569f1a2b","Номер":"0000-000123","Сумма":1234.56,"Проведен":true}`

func BenchmarkHTTPSink(b *testing.B) {
	for _, c := range concurrencies {
		b.Run("limit/concurrency="+strconv.Itoa(c), func(b *testing.B) { benchLimit(b, c) })
		b.Run("sink/concurrency="+strconv.Itoa(c), func(b *testing.B) { benchSink(b, c) })
	}
}

// benchLimit: c goroutines POSTing the same body with one shared client.
func benchLimit(b *testing.B, c int) {
	srv := noop(b)
	client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: c, MaxIdleConnsPerHost: c}}
	defer client.CloseIdleConnections()
	body := []byte(value)
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				resp, err := client.Post(srv.URL+"/hs/kafka/records", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// benchSink: b.N records through a task (ordering=key over 64 keys, 1C
// session reuse on), timed until PreCommit acknowledges them all.
func benchSink(b *testing.B, c int) {
	srv := noop(b)
	task := httpsink.NewTask()
	tctx := &benchContext{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := task.Start(context.Background(), tctx, map[string]string{
		httpsink.KeyURL: srv.URL + "/hs/kafka/records/${topic}", httpsink.KeyMaxConcurrency: strconv.Itoa(c),
	}); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = task.Stop(context.Background()) }()
	recs := make([]*connect.SinkRecord, b.N)
	for i := range recs {
		recs[i] = &connect.SinkRecord{
			Record:        connect.Record{Topic: "orders", Partition: connect.PartitionOf(0), Key: "k" + strconv.Itoa(i%64), Value: value, Offset: int64(i)},
			OriginalTopic: "orders", OriginalOffset: int64(i),
		}
	}
	tp := connect.TopicPartition{Topic: "orders"}
	want := map[connect.TopicPartition]int64{tp: int64(b.N)}
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < len(recs); i += 500 {
		if err := task.Put(ctx, recs[i:min(i+500, len(recs))]); err != nil {
			b.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		got, err := task.PreCommit(ctx, want)
		if err != nil {
			b.Fatal(err)
		}
		if got[tp] == int64(b.N) {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("not acknowledged within 5 min: %v", got)
		}
		time.Sleep(200 * time.Microsecond)
	}
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "req/s")
	if st := task.Stats(); st.Requests != int64(b.N) {
		b.Fatalf("requests %d, want %d", st.Requests, b.N)
	}
}

// benchContext is a minimal SinkTaskContext.
type benchContext struct{ log *slog.Logger }

func (c *benchContext) TaskID() connect.TaskID                  { return connect.TaskID{Connector: "bench", Task: 0} }
func (c *benchContext) Offset(map[connect.TopicPartition]int64) {}
func (c *benchContext) Assignment() []connect.TopicPartition    { return nil }
func (c *benchContext) Pause(...connect.TopicPartition)         {}
func (c *benchContext) Resume(...connect.TopicPartition)        {}
func (c *benchContext) RequestCommit()                          {}
func (c *benchContext) Logger() *slog.Logger                    { return c.log }
func (c *benchContext) ErrantRecordReporter() connect.ErrantRecordReporter {
	return reporterFunc(func(ctx context.Context, r *connect.SinkRecord, err error) error {
		return fmt.Errorf("unexpected errant record at %d: %w", r.Offset, err)
	})
}

type reporterFunc func(context.Context, *connect.SinkRecord, error) error

func (f reporterFunc) Report(ctx context.Context, r *connect.SinkRecord, err error) error {
	return f(ctx, r, err)
}
