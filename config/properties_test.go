package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func TestParsePropertiesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/properties/*.properties")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			props, err := ParseProperties(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(props, "", "  ") // keys sorted
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "properties/"+strings.TrimSuffix(filepath.Base(f), ".properties")+".golden.json", append(got, '\n'))
			roundTrip(t, props)
		})
	}
}

func TestParsePropertiesCases(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{"", map[string]string{}},
		{"\n\n  \n", map[string]string{}},
		{"a=1\na=2", map[string]string{"a": "2"}},
		{"=v", map[string]string{"": "v"}},
		{"k=\\", map[string]string{"k": ""}},
		{"k=v\\\\", map[string]string{"k": `v\`}},
		{"k = \\  lead", map[string]string{"k": "  lead"}},
		{"#c\\\nk=v", map[string]string{"k": "v"}},
		{"k v\\\n#x", map[string]string{"k": "v#x"}},
		{"k=a\\u0041", map[string]string{"k": "aA"}},
		{"k\\\n  ey=v", map[string]string{"key": "v"}},
		{"\f\tk\t=\tv", map[string]string{"k": "v"}},
	}
	for _, tt := range tests {
		got, err := ParseProperties(strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("ParseProperties(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseProperties(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePropertiesErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"a=1\nb=\\u12", `properties line 2: value of "b": malformed \uXXXX escape`},
		{"a=1\n\nb=\\uZZZZ", `properties line 3: value of "b": malformed \uXXXX escape`},
		{"\\u00=1", `properties line 1: key: malformed \uXXXX escape`},
		{"k=\\uD83D", "unpaired UTF-16 surrogate"},
		{"k=\\uDE00x", "unpaired UTF-16 surrogate"},
		{"k=\\uD83D\\u0041", "unpaired UTF-16 surrogate"},
		{"a=1\r\nb=\xff\xfe", "properties line 2: not valid UTF-8"},
		{"a=1\rb=\xc3", "properties line 2: not valid UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseProperties(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseProperties(%q) error = %v, want containing %q", tt.in, err, tt.want)
		}
	}
	boom := errors.New("boom")
	if _, err := ParseProperties(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("read error not wrapped: %v", err)
	}
}

func roundTrip(t *testing.T, props map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteProperties(&buf, props); err != nil {
		t.Fatal(err)
	}
	back, err := ParseProperties(&buf)
	if err != nil {
		t.Fatalf("re-reading written properties: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(back, props) {
		t.Fatalf("round trip changed the map:\nwrote %q\ngot   %q\nwant  %q", buf.String(), back, props)
	}
}

func TestWriteProperties(t *testing.T) {
	props := map[string]string{
		"b":          " leading space, inner = : # ! \\ and\ttab\nnewline",
		"a key":      "v",
		"ctl":        "\x01\x7f",
		"Имя":        "Значение",
		"":           "empty key",
		"empty.val":  "",
		"#not.a.cmt": "x",
	}
	var buf bytes.Buffer
	if err := WriteProperties(&buf, props); err != nil {
		t.Fatal(err)
	}
	want := `=empty key
\#not.a.cmt=x
a\ key=v
b=\ leading space, inner \= \: \# \! \\ and\ttab\nnewline
ctl=\u0001\u007F
empty.val=
Имя=Значение
`
	if buf.String() != want {
		t.Errorf("WriteProperties =\n%s\nwant\n%s", buf.String(), want)
	}
	roundTrip(t, props)
}
