package jsonconv

import (
	"bytes"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/schema"
)

func TestSizeHint(t *testing.T) {
	tests := []struct {
		name     string
		observed []int
		want     int
	}{
		{"unseen", nil, defaultCapacity},
		{"one", []int{1000}, 1000 + 1000/16 + 32},
		{"grows", []int{1000, 1200}, 1200 + 1200/16 + 32},
		{"small dip kept", []int{1000, 800}, 1000 + 1000/16 + 32},
		{"large drop follows", []int{1000, 700}, 700 + 700/16 + 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h sizeHint
			for _, n := range tt.observed {
				h.observe(n)
			}
			if got := h.capacity(); got != tt.want {
				t.Errorf("capacity() = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestFromConnectSizes checks that records of one schema whose size jumps
// around encode exactly as AppendConnect writes them.
func TestFromConnectSizes(t *testing.T) {
	s := schema.StructBuilder().Name("r").Field("s", schema.String().MustBuild()).MustBuild()
	for _, props := range []map[string]string{nil, schemaless} {
		c := New()
		if err := c.Configure(props, false); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 10, 5000, 3, 700, 100000, 1} {
			st := schema.NewStruct(s)
			st.MustPut("s", strings.Repeat("Ж", n))
			got, err := c.FromConnect("t", nil, s, st)
			if err != nil {
				t.Fatal(err)
			}
			want, err := c.AppendConnect(nil, s, st)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("size %d: FromConnect and AppendConnect differ", n)
			}
		}
		for _, v := range []any{"short", strings.Repeat("x", 3000), "y"} {
			got, err := c.FromConnect("t", nil, schema.String().MustBuild(), v)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := c.AppendConnect(nil, schema.String().MustBuild(), v)
			if !bytes.Equal(got, want) {
				t.Fatalf("string %.10q: FromConnect and AppendConnect differ", v)
			}
		}
	}
}
