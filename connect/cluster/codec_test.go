package cluster

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// readHex loads a testdata/*.hex golden file: hex byte pairs separated by
// blanks, '#' starts a comment running to the end of the line.
func readHex(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read golden %s: %v", name, err)
	}
	var sb strings.Builder
	for line := range strings.SplitSeq(string(raw), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		sb.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(sb.String())
	if err != nil {
		t.Fatalf("golden %s: %v", name, err)
	}
	return b
}

func tid(c string, n int) connect.TaskID { return connect.TaskID{Connector: c, Task: n} }

var specAssignment = Assignment{
	Version:      2,
	Leader:       "m-1",
	LeaderURL:    "http://w1:8083/",
	ConfigOffset: 7,
	Assigned:     Load{Connectors: []string{"c1"}, Tasks: []connect.TaskID{tid("c1", 0), tid("c1", 1)}},
}

func TestAssignmentGolden(t *testing.T) {
	tests := []struct {
		golden string
		a      Assignment
	}{
		{"assignment_v2.hex", specAssignment},
		{"assignment_v0.hex", Assignment{
			Version: 0, Leader: "m-1", LeaderURL: "http://w1:8083/", ConfigOffset: 7,
			Assigned: Load{Connectors: []string{"c1"}, Tasks: []connect.TaskID{tid("c1", 0), tid("c2", 1)}},
		}},
		{"assignment_v1_mismatch.hex", Assignment{
			Version: 1, Error: AssignmentConfigMismatch, Leader: "m-2", LeaderURL: "http://w2:8083/", ConfigOffset: 12,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want := readHex(t, tt.golden)
			got := EncodeAssignment(tt.a)
			if !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got %x\nwant %x", got, want)
			}
			dec, err := DecodeAssignment(want)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(dec, tt.a) {
				t.Fatalf("decode:\n got %+v\nwant %+v", dec, tt.a)
			}
		})
	}
	if n := len(readHex(t, "assignment_v2.hex")); n != 66 {
		t.Fatalf("spec example is 66 bytes, golden has %d", n)
	}
}

func TestMetadataGolden(t *testing.T) {
	alloc := specAssignment
	tests := []struct {
		golden string
		m      Metadata
	}{
		{"metadata_v2.hex", Metadata{Version: 2, URL: "http://w1:8083/", ConfigOffset: 7, Allocation: &alloc}},
		{"metadata_v2_first_join.hex", Metadata{Version: 2, URL: "http://w1:8083/", ConfigOffset: -1}},
		{"metadata_v0_first_join.hex", Metadata{Version: 0, URL: "http://w1:8083/", ConfigOffset: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want := readHex(t, tt.golden)
			got := EncodeMetadata(tt.m)
			if !bytes.Equal(got, want) {
				t.Fatalf("encode:\n got %x\nwant %x", got, want)
			}
			dec, err := DecodeMetadata(want)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(dec, tt.m) {
				t.Fatalf("decode:\n got %+v\nwant %+v", dec, tt.m)
			}
		})
	}
	if n := len(readHex(t, "metadata_v2.hex")); n != 97 {
		t.Fatalf("spec example is 97 bytes, golden has %d", n)
	}
}

// TestDecodeTolerance covers §3.2's compatibility rules: newer versions parse
// with the newest known layout, trailing bytes are ignored, missing v1
// trailing fields take defaults, and null arrays read as empty.
func TestDecodeTolerance(t *testing.T) {
	v2 := readHex(t, "assignment_v2.hex")

	future := append([]byte{}, v2...)
	future[1] = 7 // version 7
	future = append(future, 0xde, 0xad, 0xbe, 0xef)
	a, err := DecodeAssignment(future)
	if err != nil {
		t.Fatalf("future version: %v", err)
	}
	if a.Version != 7 || !reflect.DeepEqual(a.Assigned, specAssignment.Assigned) {
		t.Fatalf("future version decoded as %+v", a)
	}

	// Cut after the assignment array: revoked and delay missing.
	short := v2[:len(v2)-8]
	a, err = DecodeAssignment(short)
	if err != nil {
		t.Fatalf("missing trailing fields: %v", err)
	}
	if !a.Revoked.Empty() || a.Delay != 0 || len(a.Assigned.Tasks) != 2 {
		t.Fatalf("missing trailing fields decoded as %+v", a)
	}

	// Null arrays (count -1) and a delay.
	w := writer{}
	w.int16(1)
	w.int16(0)
	w.string("m")
	w.string("u")
	w.int64(3)
	w.int32(-1)
	w.int32(-1)
	w.int32(1500)
	a, err = DecodeAssignment(w.b)
	if err != nil {
		t.Fatalf("null arrays: %v", err)
	}
	if !a.Assigned.Empty() || !a.Revoked.Empty() || a.Delay != 1500*time.Millisecond {
		t.Fatalf("null arrays decoded as %+v", a)
	}

	// Metadata v1 without the allocation field at all.
	md := EncodeMetadata(Metadata{Version: 0, URL: "u", ConfigOffset: 4})
	md[1] = 1
	m, err := DecodeMetadata(md)
	if err != nil || m.Allocation != nil || m.ConfigOffset != 4 {
		t.Fatalf("metadata v1 without allocation: %+v, %v", m, err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	v2 := readHex(t, "assignment_v2.hex")
	md := readHex(t, "metadata_v2.hex")
	tests := []struct {
		name string
		in   []byte
		meta bool
	}{
		{"empty assignment", nil, false},
		{"negative version", []byte{0xff, 0xff, 0, 0}, false},
		{"truncated leader", v2[:7], false},
		{"truncated mid-array", v2[:50], false},
		{"partial delay", v2[:len(v2)-2], false},
		{"huge array count", append(append([]byte{}, v2[:34]...), 0x7f, 0xff, 0xff, 0xff), false},
		{"task id -2", func() []byte {
			b := append([]byte{}, v2...)
			copy(b[46:50], []byte{0xff, 0xff, 0xff, 0xfe})
			return b
		}(), false},
		{"empty metadata", nil, true},
		{"negative url length", []byte{0, 1, 0xff, 0xfe}, true},
		{"allocation longer than data", md[:40], true},
		{"bad allocation inside", func() []byte {
			b := append([]byte{}, md...)
			b[31] = 0xff // allocation's version header -> negative
			return b
		}(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.meta {
				_, err = DecodeMetadata(tt.in)
			} else {
				_, err = DecodeAssignment(tt.in)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func FuzzDecodeAssignment(f *testing.F) {
	for _, g := range []string{"assignment_v2.hex", "assignment_v0.hex", "assignment_v1_mismatch.hex"} {
		f.Add(readHex(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := DecodeAssignment(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		// What decodes re-encodes to something that decodes to the same.
		again, err := DecodeAssignment(EncodeAssignment(a))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if a.Version >= 1 && !reflect.DeepEqual(again, a) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, a)
		}
	})
}

func FuzzDecodeMetadata(f *testing.F) {
	for _, g := range []string{"metadata_v2.hex", "metadata_v2_first_join.hex", "metadata_v0_first_join.hex"} {
		f.Add(readHex(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMetadata(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error does not wrap ErrMalformed: %v", err)
			}
			return
		}
		again, err := DecodeMetadata(EncodeMetadata(m))
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if again.URL != m.URL || again.ConfigOffset != m.ConfigOffset || (m.Version >= 1) != (again.Version >= 1) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, m)
		}
	})
}
