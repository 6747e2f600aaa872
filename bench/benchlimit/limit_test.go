package benchlimit

import (
	"encoding/binary"
	"testing"
	"time"
)

// copyStream builds a binary COPY stream of rows tuples of three fields
// (one NULL), with a header extension of ext bytes.
func copyStream(rows, ext int) []byte {
	b := []byte(copySignature)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(ext))
	b = append(b, make([]byte, ext)...)
	for i := 0; i < rows; i++ {
		b = binary.BigEndian.AppendUint16(b, 3)
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint64(b, uint64(i))
		b = binary.BigEndian.AppendUint32(b, 0xFFFFFFFF) // NULL
		text := []byte("строка")
		b = binary.BigEndian.AppendUint32(b, uint32(len(text)))
		b = append(b, text...)
	}
	return binary.BigEndian.AppendUint16(b, 0xFFFF)
}

func TestTupleWriter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rows, ext  int
		chunk      int
		wantErr    bool
		corruptSig bool
	}{
		{name: "whole", rows: 100, chunk: 1 << 20},
		{name: "byte by byte", rows: 20, ext: 3, chunk: 1},
		{name: "odd chunks", rows: 1000, ext: 5, chunk: 7},
		{name: "empty", rows: 0, chunk: 3},
		{name: "bad signature", rows: 2, chunk: 64, corruptSig: true, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := copyStream(tc.rows, tc.ext)
			if tc.corruptSig {
				s[0] = 'X'
			}
			calls := 0
			w := &tupleWriter{row: func() { calls++ }}
			var err error
			for i := 0; i < len(s) && err == nil; i += tc.chunk {
				_, err = w.Write(s[i:min(len(s), i+tc.chunk)])
			}
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if tc.wantErr {
				return
			}
			if calls != tc.rows || w.rows != tc.rows || !w.done {
				t.Fatalf("rows %d, calls %d, done %v; want %d rows", w.rows, calls, w.done, tc.rows)
			}
		})
	}
}

func TestBusyTime(t *testing.T) {
	tests := []struct {
		stat string
		want time.Duration
	}{
		{"cpu  100 2 30 5000 7 1 4 6 0 0\ncpu0 50 1 15 2500 3 0 2 3 0 0\n", (100 + 2 + 30 + 1 + 4 + 6) * 10 * time.Millisecond},
		{"cpu  1 2 3 4 5 6 7 8\n", (1 + 2 + 3 + 6 + 7 + 8) * 10 * time.Millisecond},
		{"cpu  1 2 3\n", 0},             // too few fields
		{"intr 1 2 3 4 5 6 7 8 9\n", 0}, // not the cpu line
		{"cpu  1 x 3 4 5 6 7 8 9\n", 0}, // not a number
		{"", 0},
	}
	for _, tt := range tests {
		if got := busyTime([]byte(tt.stat)); got != tt.want {
			t.Errorf("busyTime(%q) = %v, want %v", tt.stat, got, tt.want)
		}
	}
}
