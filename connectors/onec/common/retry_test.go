package common

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onecconnect/onecconnect/connect"
)

func TestRetrierBackoffAndGiveUp(t *testing.T) {
	now := time.Unix(1000, 0)
	r := &Retrier{Timeout: 5 * time.Second, MaxDelay: 2 * time.Second, Now: func() time.Time { return now }}
	cause := errors.New("connection refused")
	var delays []time.Duration
	for {
		d, err := r.Failed(cause)
		if err != nil {
			if !errors.Is(err, cause) || !strings.Contains(err.Error(), "errors.retry.timeout") {
				t.Fatalf("give-up error %v", err)
			}
			break
		}
		delays = append(delays, d)
		if r.Wait() != d {
			t.Fatalf("Wait %v, want %v", r.Wait(), d)
		}
		now = now.Add(d)
		if len(delays) > 20 {
			t.Fatal("never gave up")
		}
	}
	want := []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, 1200 * time.Millisecond, 2 * time.Second, 900 * time.Millisecond}
	if len(delays) != len(want) {
		t.Fatalf("delays %v, want %v", delays, want)
	}
	for i := range want {
		if delays[i] != want[i] {
			t.Fatalf("delays %v, want %v", delays, want)
		}
	}
	r.Succeeded()
	if r.Failing() || r.Wait() != 0 {
		t.Fatal("Succeeded did not reset")
	}
}

func TestRetrierNoRetriesAndForever(t *testing.T) {
	r := &Retrier{}
	if _, err := r.Failed(io.EOF); err == nil {
		t.Fatal("timeout 0 must give up at once")
	}
	now := time.Unix(0, 0)
	f := &Retrier{Timeout: -1, MaxDelay: time.Second, Now: func() time.Time { return now }}
	for i := 0; i < 100; i++ {
		if _, err := f.Failed(io.EOF); err != nil {
			t.Fatalf("timeout -1 gave up: %v", err)
		}
		now = now.Add(time.Hour)
	}
}

func TestParseRetryPolicy(t *testing.T) {
	p, err := ParseRetryPolicy(map[string]string{connect.KeyErrorsRetryTimeout: "30000", connect.KeyErrorsRetryDelayMax: "5000", connect.KeyErrorsTolerance: "ALL"})
	if err != nil || p.Timeout != 30*time.Second || p.MaxDelay != 5*time.Second || !p.TolerateAll {
		t.Fatalf("%+v %v", p, err)
	}
	p, err = ParseRetryPolicy(nil)
	if err != nil || p.Timeout != 0 || p.MaxDelay != time.Minute || p.TolerateAll {
		t.Fatalf("defaults %+v %v", p, err)
	}
	if _, err := ParseRetryPolicy(map[string]string{connect.KeyErrorsRetryTimeout: "soon"}); err == nil || !strings.Contains(err.Error(), connect.KeyErrorsRetryTimeout) {
		t.Fatalf("bad value error %v", err)
	}
}

func TestIsConnectionError(t *testing.T) {
	if !IsConnectionError(io.ErrUnexpectedEOF) || !IsConnectionError(errors.New("dial tcp 127.0.0.1:1: connect: connection refused")) {
		t.Fatal("connection errors not recognised")
	}
	if IsConnectionError(errors.New("syntax error at or near")) || IsConnectionError(nil) {
		t.Fatal("non-connection error recognised")
	}
}

func TestSuggest(t *testing.T) {
	got := Suggest("НомерСообщеня", []string{"НомерСообщения", "Тело", "Ключ"}, 3)
	if len(got) != 1 || got[0] != "НомерСообщения" {
		t.Fatalf("Suggest = %v", got)
	}
}

func TestMetricsRegisterSideBySide(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, b := NewMetrics("q", 0), NewMetrics("q", 1)
	ua, err := RegisterMetrics(provider{reg}, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RegisterMetrics(provider{reg}, b); err != nil {
		t.Fatalf("second task: %v", err)
	}
	a.AddRecords(5)
	a.SetDepth(7)
	a.SetOldest(time.Now().Add(-time.Minute))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			if m.Counter != nil {
				found[key] = m.Counter.GetValue()
			} else {
				found[key] = m.Gauge.GetValue()
			}
		}
	}
	if found["onec_source_records_total,connector=q,task=0"] != 5 || found["onec_source_queue_depth,connector=q,task=0"] != 7 ||
		found["onec_source_oldest_pending_age_seconds,connector=q,task=0"] < 59 {
		t.Fatalf("gathered %v", found)
	}
	ua()
	if _, err := RegisterMetrics(provider{reg}, a); err != nil {
		t.Fatalf("register after unregister: %v", err)
	}
	if u, err := RegisterMetrics(struct{}{}, a); err != nil || u == nil {
		t.Fatal("a context without a registry must give a no-op")
	}
}

type provider struct{ r *prometheus.Registry }

func (p provider) MetricsRegisterer() prometheus.Registerer { return p.r }
