package brace

import (
	"bytes"
	"testing"
)

func TestMarshalPlatformShape(t *testing.T) {
	// §2.2's example: {0,\r\n{3,\r\n{1,0,uuid},"DevOpsTest",\r\n{1,"ru","Dev ops test"},"",0}\r\n}
	n := L(N(0), L(N(3), L(N(1), N(0), B("uuid")), S("DevOpsTest"), L(N(1), S("ru"), S("Dev ops test")), S(""), N(0)))
	want := "{0,\r\n{3,\r\n{1,0,uuid},\"DevOpsTest\",\r\n{1,\"ru\",\"Dev ops test\"},\"\",0}\r\n}"
	if got := string(Marshal(n)); got != want {
		t.Fatalf("Marshal =\n%q\nwant\n%q", got, want)
	}
	if f := MarshalFile(n); !bytes.HasPrefix(f, bom) || string(f[3:]) != want {
		t.Fatalf("MarshalFile = %q", f)
	}
}

func TestRoundTrip(t *testing.T) {
	trees := []*Node{
		L(),
		L(N(1), B(""), N(2), B("")),
		L(S(`a"b`), S(""), S("x\r\ny"), L(L(L())), L(B("#base64:QUJD"))),
		L(N(2), S("ru"), S("Текст"), S("en"), S("Text")),
	}
	for _, n := range trees {
		got, err := Parse(Marshal(n))
		if err != nil {
			t.Fatalf("Parse(Marshal(%q)): %v", Marshal(n), err)
		}
		if !Equal(got, n) {
			t.Fatalf("round trip: got %q, want %q", Marshal(got), Marshal(n))
		}
	}
}
