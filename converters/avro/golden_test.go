package avro

import (
	"encoding/hex"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/onecconnect/onecconnect/schema/schematest"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if string(want) != string(got) {
		t.Fatalf("%s differs from golden file:\n got %s\nwant %s", name, got, want)
	}
}

// TestGoldenOneC pins the derived Avro schema text (it must stay
// byte-stable, or every deployment registers a new version) and the wire
// bytes of one record.
func TestGoldenOneC(t *testing.T) {
	c, srv := newTestConverter(t, false, nil)
	s := schematest.OneCSchema()
	data, err := c.FromConnect("sales", nil, s, schematest.OneCRecord(s, 1))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := srv.Schema(1)
	golden(t, "onec.avsc", []byte(text+"\n"))
	golden(t, "onec_seed1.hex", []byte(hex.Dump(data)))
}
