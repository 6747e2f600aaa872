package runtime

import (
	"testing"

	"github.com/onecconnect/onecconnect/connect"
)

// TestOffsetTrackerContiguous: the committable offset of a partition never
// passes an unacknowledged record, whatever the ack order.
func TestOffsetTrackerContiguous(t *testing.T) {
	part := map[string]any{"file": "a"}
	other := map[string]any{"file": "b"}
	mk := func(p map[string]any, i int64) *connect.SourceRecord {
		return &connect.SourceRecord{SourcePartition: p, SourceOffset: map[string]any{"pos": i}}
	}
	tests := []struct {
		name     string
		ackOrder []int
		want     any // committable pos of "a" after all acks in ackOrder, nil = none
	}{
		{"in order", []int{0, 1, 2}, int64(2)},
		{"gap at head", []int{1, 2}, nil},
		{"gap in middle", []int{0, 2}, int64(0)},
		{"reverse", []int{2, 1, 0}, int64(2)},
		{"none", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newOffsetTracker()
			var ps []*pendingRecord
			for i := range 3 {
				ps = append(ps, tr.add(mk(part, int64(i))))
				tr.ack(tr.add(mk(map[string]any{"file": "b"}, int64(i)))) // another partition, interleaved
			}
			for _, i := range tc.ackOrder {
				tr.ack(ps[i])
			}
			var got any
			for _, e := range tr.snapshot() {
				if e.Partition["file"] == "a" {
					got = e.Offset["pos"]
				}
			}
			if got != tc.want {
				t.Fatalf("committable = %v, want %v", got, tc.want)
			}
			if want := 3 - len(tc.ackOrder); tr.pending() != want {
				t.Fatalf("pending = %d, want %d", tr.pending(), want)
			}
		})
	}
	_ = other
}

func TestPartitionKeyDeterministic(t *testing.T) {
	a := map[string]any{"x": "1", "y": int64(2), "z": true}
	b := map[string]any{"z": true, "y": int64(2), "x": "1"}
	if partitionKey(a) != partitionKey(b) {
		t.Fatal("equal maps give different keys")
	}
	if partitionKey(map[string]any{"x": "1"}) == partitionKey(map[string]any{"x": int64(1)}) {
		t.Fatal("string and number collide")
	}
}
