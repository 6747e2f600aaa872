package inspect

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = Main(ctx, args, &o, &e)
	return code, o.String(), e.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		w, g := strings.Split(string(want), "\n"), strings.Split(got, "\n")
		for i := 0; i < len(w) && i < len(g); i++ {
			if w[i] != g[i] {
				t.Fatalf("%s differs at line %d:\nwant %s\n got %s", path, i+1, w[i], g[i])
			}
		}
		t.Fatalf("%s differs in length: %d lines, want %d", path, len(g), len(w))
	}
}

// TestCF inspects the real .cf sample: the listing, one object in full, and
// the whole JSON document.
func TestCF(t *testing.T) {
	cf := testkit.SharedTestdata(t, "1c/dajet-metadata-test-base.cf")
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"cf-list.txt", []string{"--cf", cf}},
		{"cf-object.txt", []string{"--cf", cf, "Справочник.ПростойСправочник"}},
		{"cf.json", []string{"--format", "json", "--cf", cf}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			code, out, errOut := run(t, c.args...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, c.golden, out)
			if strings.HasSuffix(c.golden, ".json") {
				checkJSON(t, out)
			}
		})
	}
}

// checkJSON decodes a report strictly: every key is a documented field.
func checkJSON(t *testing.T, out string) *Report {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var r Report
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("output is not a Report: %v", err)
	}
	if r.FormatVersion != FormatVersion || len(r.Objects) == 0 {
		t.Fatalf("report version %d with %d objects", r.FormatVersion, len(r.Objects))
	}
	return &r
}

// TestPostgres inspects a database built by onectest.
func TestPostgres(t *testing.T) {
	_, _, _, dsn := pgtest.Build(t, onectest.Trade(), 2*time.Minute)
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"trade-list.txt", []string{"--dsn", dsn}},
		{"trade-sale.txt", []string{"--dsn", dsn, "Документ.РеализацияТоваровУслуг"}},
		{"trade-sale.json", []string{"--dsn", dsn, "--format", "json", "Document.РеализацияТоваровУслуг", "Перечисление.СтавкиНДС"}},
		{"trade-sale-string.json", []string{"--dsn", dsn, "--format=json", "--decimal-handling", "string", "Документ.РеализацияТоваровУслуг.Товары"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			code, out, errOut := run(t, c.args...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, c.golden, out)
			if strings.HasSuffix(c.golden, ".json") {
				r := checkJSON(t, out)
				if r.Objects[0].Table == "" || len(r.Objects[0].Properties[0].Columns) == 0 {
					t.Error("no physical layout in the report of a database")
				}
			}
		})
	}

	// Credentials given apart from the DSN.
	t.Setenv(EnvPassword, "")
	code, out, errOut := run(t, "--dsn", strings.Replace(dsn, "postgres@", "nobody@", 1), "--user", "postgres", "--format", "json")
	if code != ExitOK {
		t.Fatalf("--user: exit %d: %s", code, errOut)
	}
	checkJSON(t, out)

	// An unknown object: exit 1 and the closest names.
	code, _, errOut = run(t, "--dsn", dsn, "Справочник.Номенклатур")
	if code != ExitNotFound || !strings.Contains(errOut, "Справочник.Номенклатура") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("unknown object: exit %d, %q", code, errOut)
	}
	// A wrong password is reported in one line without the password.
	code, _, errOut = run(t, "--dsn", dsn, "--user", "nosuchuser", "--password", "s3cr3t-pw")
	if code != ExitFailure || strings.Contains(errOut, "s3cr3t-pw") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("bad credentials: exit %d, %q", code, errOut)
	}
}

// TestErrors covers the exit codes of bad arguments and unreachable
// servers; the password never appears in the output.
func TestErrors(t *testing.T) {
	t.Setenv(EnvPassword, "env-Secret-42")
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no source", nil, ExitFailure, "one of --dsn and --cf is required"},
		{"both sources", []string{"--dsn", "postgres://h/db", "--cf", "x.cf"}, ExitFailure, "exclude each other"},
		{"bad format", []string{"--cf", "x.cf", "--format", "xml"}, ExitFailure, "--format"},
		{"bad flag", []string{"--cf", "x.cf", "--bogus"}, ExitFailure, "bogus"},
		{"bad decimal mode", []string{"--cf", "x.cf", "--decimal-handling", "float"}, ExitFailure, "decimal.handling.mode"},
		{"not a URL", []string{"--dsn", "host=localhost dbname=x"}, ExitFailure, "--dsn is not a URL"},
		{"bad scheme", []string{"--dsn", "mysql://u:p@127.0.0.1/db"}, ExitFailure, "want postgres:// or sqlserver://"},
		{"unreachable postgres", []string{"--dsn", "postgres://u@127.0.0.1:1/db?connect_timeout=5"}, ExitFailure, "127.0.0.1:1"},
		{"unreachable sqlserver", []string{"--dsn", "sqlserver://u@127.0.0.1:1?database=db&dial+timeout=5", "--timeout", "20s"}, ExitFailure, "127.0.0.1:1"},
		{"missing .cf", []string{"--cf", filepath.Join(t.TempDir(), "none.cf")}, ExitFailure, "read --cf"},
		{"not a .cf", []string{"--cf", "inspect_test.go"}, ExitFailure, "inspect_test.go"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, out, errOut, c.code, c.want)
			}
			if !strings.HasPrefix(errOut, "onec inspect: ") {
				t.Errorf("stderr does not start with the command: %q", errOut)
			}
			if c.code == ExitFailure && !strings.Contains(c.name, "flag") && !strings.HasPrefix(c.want, "one of") && !strings.Contains(errOut, "usage:") && strings.Count(errOut, "\n") != 1 {
				t.Errorf("want one line, got %q", errOut)
			}
			if strings.Contains(errOut, "env-Secret-42") {
				t.Errorf("the password is printed: %q", errOut)
			}
		})
	}
	if code, out, _ := run(t, "--help"); code != ExitOK || !strings.Contains(out, "usage:") {
		t.Errorf("--help: exit %d %q", code, out)
	}
}

func TestBuildDSN(t *testing.T) {
	for _, c := range []struct{ dsn, user, pw, want string }{
		{"postgres://127.0.0.1/db", "", "", "postgres://127.0.0.1/db"},
		{"postgres://a:b@127.0.0.1/db", "", "", "postgres://a:b@127.0.0.1/db"},
		{"postgres://a:b@127.0.0.1/db", "c", "", "postgres://c:b@127.0.0.1/db"},
		{"postgres://a@127.0.0.1/db", "", "p@ss:w/rd", "postgres://a:p%40ss%3Aw%2Frd@127.0.0.1/db"},
		{"sqlserver://127.0.0.1:1433?database=x", "sa", "pw", "sqlserver://sa:pw@127.0.0.1:1433?database=x"},
		{"postgres://127.0.0.1/db", "", "pw", ""},
	} {
		got, err := buildDSN(c.dsn, c.user, c.pw)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s: no error", c.dsn)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("buildDSN(%s, %s) = %s, %v; want %s", c.dsn, c.user, got, err, c.want)
		}
	}
	if got := redact("x p%40ss%3Aw%2Frd y p@ss:w/rd", "p@ss:w/rd"); got != "x xxxxx y xxxxx" {
		t.Errorf("redact = %q", got)
	}
}
