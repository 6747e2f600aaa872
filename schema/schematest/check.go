package schematest

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// CheckFields reports (t.Errorf, prefixed with what) every field of want
// that s lacks or holds another value in: decimals and times compared by
// value, the rest with ==. A nil s is one error.
func CheckFields(t testing.TB, what string, s *schema.Struct, want map[string]any) {
	t.Helper()
	if s == nil {
		t.Errorf("%s: no data", what)
		return
	}
	for name, w := range want {
		got, ok := s.Get(name)
		if !ok {
			t.Errorf("%s: no field %s", what, name)
			continue
		}
		same := got == w
		switch w := w.(type) {
		case decimal.Decimal:
			g, ok := got.(decimal.Decimal)
			same = ok && g.Equal(w)
		case time.Time:
			g, ok := got.(time.Time)
			same = ok && g.Equal(w)
		}
		if !same {
			t.Errorf("%s.%s = %v (%T), want %v", what, name, got, got, w)
		}
	}
}
