package common

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// TestRetryingPoll pins how a 1C source task's Poll treats failures.
func TestRetryingPoll(t *testing.T) {
	lost := io.ErrUnexpectedEOF // a connection failure
	bad := errors.New("the register was removed")
	one := []*connect.SourceRecord{{}}
	for _, tt := range []struct {
		name        string
		timeout     time.Duration
		pollErr     error
		stopped     bool
		wantRecs    int
		wantErr     error
		wantFailure bool // onFailure ran
		wantErrors  int64
		wantRetry   bool
	}{
		{name: "records", wantRecs: 1},
		{name: "connection lost: retried, task stays up", timeout: time.Minute, pollErr: lost, wantFailure: true, wantErrors: 1, wantRetry: true},
		{name: "connection lost, no retries allowed: fails", timeout: 0, pollErr: lost, wantErr: lost, wantFailure: true, wantErrors: 1},
		{name: "other failure: fails at once", timeout: time.Minute, pollErr: bad, wantErr: bad, wantFailure: true, wantErrors: 1},
		{name: "stopping: nothing", timeout: time.Minute, pollErr: context.Canceled, stopped: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.stopped {
				cancel()
			}
			r := &Retrier{Timeout: tt.timeout, MaxDelay: time.Second}
			m := NewMetrics("c", 0)
			failed := false
			recs, err := RetryingPoll(ctx, r, m, slog.New(slog.DiscardHandler), func(context.Context) ([]*connect.SourceRecord, error) {
				if tt.pollErr != nil {
					return nil, tt.pollErr
				}
				return one, nil
			}, func() { failed = true })
			if len(recs) != tt.wantRecs {
				t.Errorf("%d records, want %d", len(recs), tt.wantRecs)
			}
			if (err == nil) != (tt.wantErr == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("err %v, want %v", err, tt.wantErr)
			}
			if failed != tt.wantFailure {
				t.Errorf("onFailure ran: %v, want %v", failed, tt.wantFailure)
			}
			s := m.Snapshot()
			if s.Errors != tt.wantErrors || s.Retrying != tt.wantRetry {
				t.Errorf("metrics errors %d retrying %v, want %d %v", s.Errors, s.Retrying, tt.wantErrors, tt.wantRetry)
			}
		})
	}
}

// TestRetryingPollWaits: while a retry is pending Poll sleeps instead of
// calling poll, and the first success clears the retrying gauge.
func TestRetryingPollWaits(t *testing.T) {
	r := &Retrier{Timeout: time.Minute, MaxDelay: time.Second}
	m := NewMetrics("c", 0)
	log := slog.New(slog.DiscardHandler)
	calls := 0
	poll := func(context.Context) ([]*connect.SourceRecord, error) {
		calls++
		if calls == 1 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, nil
	}
	ctx := context.Background()
	if _, err := RetryingPoll(ctx, r, m, log, poll, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := RetryingPoll(ctx, r, m, log, poll, nil); err != nil || calls != 1 {
		t.Fatalf("second Poll during the back-off: calls %d, err %v", calls, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for calls < 2 && time.Now().Before(deadline) {
		if _, err := RetryingPoll(ctx, r, m, log, poll, nil); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 || m.Snapshot().Retrying {
		t.Fatalf("after the back-off: calls %d, retrying %v", calls, m.Snapshot().Retrying)
	}
}
