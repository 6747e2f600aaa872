package benchlimit

import (
	"encoding/binary"
	"testing"
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
