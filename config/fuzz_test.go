package config

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func FuzzParseProperties(f *testing.F) {
	files, _ := filepath.Glob("testdata/properties/*.properties")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{"", "a=b", "k\\\n v", "\\u", "\\uD83D\\uDE00", "#\\\n", "a\rb\r\nc\n", "\xff", "=\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		props, err := ParseProperties(bytes.NewReader(data))
		if err != nil {
			if props != nil {
				t.Fatalf("error %v with a non-nil map", err)
			}
			return
		}
		// Whatever parses must survive a write and a re-read unchanged.
		var buf bytes.Buffer
		if err := WriteProperties(&buf, props); err != nil {
			t.Fatal(err)
		}
		back, err := ParseProperties(&buf)
		if err != nil {
			t.Fatalf("re-read of written properties failed: %v\n%q", err, buf.String())
		}
		if !reflect.DeepEqual(back, props) {
			t.Fatalf("round trip changed %q into %q", props, back)
		}
	})
}

// FuzzParse feeds random properties (in .properties syntax, so keys and
// values are arbitrary) to a definition covering every type and validator:
// no panic, Parse and Validate agree, and a password never shows.
func FuzzParse(f *testing.F) {
	f.Add("name=x\nconnector.class=C\ndatabase.url=u\n", "pw")
	f.Add("tasks.max=99999999999\ntopics= a, ,b\npoll.interval=-5\nsample.ratio=1e400\n", "")
	f.Add("database.port=0x10\nmode=OFFSET\nerrors.tolerance=ALL\ntopics.regex=a(\n", "${env:X}")
	f.Add("name=\\u0000\nbatch.size=+1\nkey.converter=\nerrors.retry.timeout=-2\n", "x")
	f.Add("transforms.a.type=X\nproducer.override.acks=all\nzzz=1\n", "[hidden]")
	def := testDef()
	f.Fuzz(func(t *testing.T, text, password string) {
		props, err := ParseProperties(strings.NewReader(text))
		if err != nil {
			return
		}
		props["database.password"] = password
		v, perr := def.Parse(props)
		infos := def.Validate("Fuzz", props)
		var ve *ValidationError
		switch {
		case perr == nil:
			if v == nil || infos.ErrorCount != 0 {
				t.Fatalf("Parse ok but Validate has %d errors: %v", infos.ErrorCount, infos.Messages())
			}
			_ = v.String("name")
			_ = v.List("topics")
			_ = v.Duration("poll.interval")
		case errors.As(perr, &ve):
			if ve.Count() != infos.ErrorCount {
				t.Fatalf("Parse has %d errors, Validate %d", ve.Count(), infos.ErrorCount)
			}
		default:
			t.Fatalf("Parse error of type %T: %v", perr, perr)
		}
		// Scrubbing replaces the secret with [hidden] in every message, so a
		// secret sharing no character with "[hidden]" must not occur at all.
		secret := strings.TrimSpace(password)
		if len(secret) < minScrubLen || strings.ContainsAny(secret, HiddenValue) {
			return
		}
		for _, m := range infos.Messages() {
			if strings.Contains(m, secret) {
				t.Fatalf("Validate message shows the password %q: %s", secret, m)
			}
		}
		if ve != nil {
			for _, m := range ve.Messages() {
				if strings.Contains(m, secret) {
					t.Fatalf("Parse error shows the password %q: %s", secret, m)
				}
			}
		}
		if v != nil {
			printed := fmt.Sprint(v)
			if !strings.Contains(printed, "database.password="+HiddenValue+" ") {
				t.Fatalf("Values print the password: %s", printed)
			}
		}
		_ = def.ValidateWith(context.Background(), NewResolver(nil), "Fuzz", props)
	})
}
