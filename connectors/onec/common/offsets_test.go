package common

import (
	"errors"
	"testing"
)

func TestOffsetsError(t *testing.T) {
	tests := []struct {
		problems []string
		want     string
	}{
		{[]string{"a"}, "OneCX: offsets unchanged, 1 problem: a"},
		{[]string{"a", "b"}, "OneCX: offsets unchanged, 2 problems: a; b"},
	}
	for _, tt := range tests {
		err := error(&OffsetsError{Connector: "OneCX", Problems: tt.problems})
		if err.Error() != tt.want || !errors.Is(err, ErrOffsetsRefused) {
			t.Errorf("%v: %q (is refused %v), want %q", tt.problems, err, errors.Is(err, ErrOffsetsRefused), tt.want)
		}
	}
}

func TestJSONText(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{map[string]any{"object": "Справочник.Товары", "a": 1}, `{"a":1,"object":"Справочник.Товары"}`},
		{"<&>", `"<&>"`},
		{nil, "null"},
		{func() {}, "<func>"},
	}
	for _, tt := range tests {
		got := JSONText(tt.v)
		if tt.want == "<func>" {
			if got == "" {
				t.Errorf("JSONText(func) is empty")
			}
			continue
		}
		if got != tt.want {
			t.Errorf("JSONText(%v) = %s, want %s", tt.v, got, tt.want)
		}
	}
}
