package brace

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *Node
	}{
		{"empty list", "{}", L()},
		{"one zero", "{0}", L(N(0))},
		{"bom crlf", "\xEF\xBB\xBF{1,\r\n{2,\"x\"}\r\n}", L(N(1), L(N(2), S("x")))},
		{"empty items", "{,1}", L(B(""), N(1))},
		{"trailing comma", "{2,}", L(N(2), B(""))},
		{"middle empty", "{1,,2}", L(N(1), B(""), N(2))},
		{"escaped quotes", `{"a""b""",""""}`, L(S(`a"b"`), S(`"`))},
		{"empty string vs empty item", `{"",}`, L(S(""), B(""))},
		{"raw newline in string", "{\"line1\r\nline2\"}", L(S("line1\r\nline2"))},
		{"uuid and negative", "{817a5bb8-dd88-43a9-8100-dc08fb77869d,-3,0.5}", L(B("817a5bb8-dd88-43a9-8100-dc08fb77869d"), B("-3"), B("0.5"))},
		{"nested", "{{{{}}},{}}", L(L(L(L())), L())},
		{"whitespace everywhere", " \t{ 1 ,\n { \"s\" } , x }\r\n", L(N(1), L(S("s")), B("x"))},
		{"base64", "{2,uuid,\r\n{#base64:AAAA\r\r\nBBBB\r\r\nCC==}\r\n}", L(N(2), B("uuid"), L(B("#base64:AAAABBBBCC==")))},
		{"multilang", `{2,"ru","Текст","en","Text"}`, L(N(2), S("ru"), S("Текст"), S("en"), S("Text"))},
		{"scalar top", `"x"`, S("x")},
		{"trailing nul", "{1}\x00\x00", L(N(1))},
		{"unicode string", `{"Справочник ""Номенклатура"""}`, L(S(`Справочник "Номенклатура"`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !Equal(got, tt.want) {
				t.Fatalf("Parse(%q) = %s, want %s", tt.in, Marshal(got), Marshal(tt.want))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"empty", "", "empty input"},
		{"bom only", "\xEF\xBB\xBF \r\n", "empty input"},
		{"unterminated list", "{1,2", "unterminated list"},
		{"unterminated nested", "{1,{2}", "unterminated list"},
		{"unterminated string", `{"abc}`, "unterminated string"},
		{"junk after", "{1}x", "after the top-level value"},
		{"two values", "{1}{2}", "after the top-level value"},
		{"missing comma", `{"a""b" "c"}`, "want ',' or '}'"},
		{"brace in bare", "{a{b}}", "inside a bare token"},
		{"quote in bare", `{ab"c"}`, "inside a bare token"},
		{"too deep", strings.Repeat("{", MaxDepth+1) + strings.Repeat("}", MaxDepth+1), "nested deeper"},
		{"unterminated base64", "{#base64:AAAA", "unterminated base64"},
		{"bad base64", "{#base64:AA,AA}", "invalid character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) err = %v, want *SyntaxError", tt.in, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("Parse(%q) err = %v, want it to mention %q", tt.in, err, tt.msg)
			}
		})
	}
}

func TestMaxDepthAccepted(t *testing.T) {
	in := strings.Repeat("{", MaxDepth) + strings.Repeat("}", MaxDepth)
	if _, err := Parse([]byte(in)); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
}

func TestAt(t *testing.T) {
	n, err := Parse([]byte(`{1,{2,"x",{3}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := n.Str(1, 1); err != nil || s != "x" {
		t.Fatalf("Str(1,1) = %q, %v", s, err)
	}
	if i, err := n.Int(1, 2, 0); err != nil || i != 3 {
		t.Fatalf("Int(1,2,0) = %d, %v", i, err)
	}
	_, err = n.At(1, 5)
	var pe *PathError
	if !errors.As(err, &pe) || pe.Step != 1 || !strings.Contains(err.Error(), "[1][5]") {
		t.Fatalf("At(1,5) err = %v", err)
	}
	if _, err := n.At(0, 0); err == nil || !strings.Contains(err.Error(), "not a list") {
		t.Fatalf("At(0,0) err = %v", err)
	}
	if _, err := n.Int(1, 1); err == nil {
		t.Fatal("Int of a string: want error")
	}
	if _, err := n.ListAt(0); err == nil {
		t.Fatal("ListAt of a scalar: want error")
	}
}
