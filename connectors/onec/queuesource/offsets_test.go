package queuesource

import (
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

func rowsOf(nums ...int64) []*row {
	out := make([]*row, len(nums))
	for i, n := range nums {
		out[i] = &row{number: n}
	}
	return out
}

func allTrue(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

func TestStreamAcceptGuard(t *testing.T) {
	t0 := time.Unix(100, 0)
	settle := 2 * time.Second
	tests := []struct {
		name      string
		last      int64
		have      bool
		rows      []int64
		settled   []bool
		gaps      bool
		steps     []time.Duration // times of successive calls after t0
		wantSteps []int
	}{
		{name: "contiguous", last: 4, have: true, rows: []int64{5, 6, 7}, gaps: true, steps: []time.Duration{0}, wantSteps: []int{3}},
		{name: "first start takes any first number", rows: []int64{40, 41}, gaps: true, steps: []time.Duration{0}, wantSteps: []int{2}},
		{name: "unsettled row stops the batch", last: 4, have: true, rows: []int64{5, 6, 7}, settled: []bool{true, false, true}, gaps: true,
			steps: []time.Duration{0}, wantSteps: []int{1}},
		{name: "gap waits for the settle window then passes", last: 4, have: true, rows: []int64{5, 7, 8}, gaps: true,
			steps: []time.Duration{0, time.Second, 3 * time.Second}, wantSteps: []int{1, 1, 3}},
		{name: "gap at the head", last: 4, have: true, rows: []int64{6}, gaps: true,
			steps: []time.Duration{0, 2 * time.Second}, wantSteps: []int{0, 1}},
		{name: "no gap check with splits", last: 4, have: true, rows: []int64{9, 20}, gaps: false, steps: []time.Duration{0}, wantSteps: []int{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &stream{last: tt.last, haveLast: tt.have}
			settled := tt.settled
			if settled == nil {
				settled = allTrue(len(tt.rows))
			}
			for i, at := range tt.steps {
				got := s.accept(rowsOf(tt.rows...), settled, tt.gaps, settle, t0.Add(at))
				if got != tt.wantSteps[i] {
					t.Fatalf("call %d at +%v accepted %d, want %d", i, at, got, tt.wantSteps[i])
				}
			}
		})
	}
}

func TestInflightFIFO(t *testing.T) {
	f := newInflight()
	r1, r2, r3 := &connect.SourceRecord{}, &connect.SourceRecord{}, &connect.SourceRecord{}
	now := time.Unix(0, 0)
	b1 := &batch{records: 2, deadline: now.Add(time.Second)}
	b2 := &batch{records: 1, deadline: now.Add(2 * time.Second)}
	f.add(b1, []*connect.SourceRecord{r1, r2})
	f.add(b2, []*connect.SourceRecord{r3})
	f.ack(r3) // the later batch completes first: the head is still open
	if h, complete, _ := f.head(now); h != b1 || complete {
		t.Fatal("head must stay the first, incomplete batch")
	}
	f.ack(r1)
	f.ack(r1) // a duplicate ack is ignored
	if _, complete, _ := f.head(now); complete {
		t.Fatal("batch complete after one of two acks")
	}
	f.ack(r2)
	if _, complete, _ := f.head(now); !complete {
		t.Fatal("batch not complete after all acks")
	}
	if _, _, expired := f.head(now.Add(3 * time.Second)); !expired {
		t.Fatal("deadline not seen")
	}
	if got := f.takeAll(); len(got) != 2 || f.len() != 0 {
		t.Fatalf("takeAll %d, len %d", len(got), f.len())
	}
	f.ack(r2) // late ack after rollback: ignored
}

func TestJSONHeaders(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
		bad  bool
	}{
		{in: `{"a":"1","b":2,"c":{"d":true}}`, want: map[string]string{"a": "1", "b": "2", "c": `{"d":true}`}},
		{in: "  ", want: map[string]string{}},
		{in: `[1,2]`, bad: true},
		{in: `{"a":`, bad: true},
		{in: `{"a":"1"} x`, bad: true},
	}
	for _, tt := range tests {
		var h connect.Headers
		err := addJSONHeaders(&h, tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("%q accepted", tt.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(h) != len(tt.want) {
			t.Errorf("%q: %d headers", tt.in, len(h))
		}
		for _, x := range h {
			if tt.want[x.Key] != x.Value {
				t.Errorf("%q: header %s=%v, want %s", tt.in, x.Key, x.Value, tt.want[x.Key])
			}
		}
	}
}
