package demo

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
	"time"
)

func TestRecordTotals(t *testing.T) {
	text := `# HELP connect_source_record_write_total Source records acknowledged by Kafka.
# TYPE connect_source_record_write_total counter
connect_source_record_write_total{connector="trade-outbox",task="0"} 12
connect_source_record_write_total{connector="trade-outbox",task="1"} 3
connect_source_record_write_total{connector="we\"ird",task="0"} 1e+03
connect_source_record_poll_total{connector="trade-outbox",task="0"} 99
connect_sink_record_send_total{connector="branch-inbox",task="0"} 15
connect_sink_record_read_total{connector="branch-inbox",task="0"} 40
`
	got := recordTotals(text)
	want := map[string]float64{"trade-outbox": 15, `we"ird`: 1000, "branch-inbox": 15}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %v, want %v", k, got[k], v)
		}
	}
}

func TestShorten(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		n    int
		want string
	}{
		{nil, 10, "null"},
		{[]byte("plain text"), 20, "plain text"},
		{[]byte("{ \"a\" : 1,\n \"b\": [1, 2] }"), 40, `{"a":1,"b":[1,2]}`},
		{[]byte(`{"schema":{"type":"string"},"payload":"привет"}`), 20, `"привет"`},
		{[]byte(`{"op":"u","kind":"Catalog","name":"Номенклатура","ts_ms":1,"data":{"Наименование":"Хлеб"}}`), 40,
			`u {"Наименование":"Хлеб"}`},
		{[]byte(`{"op":"d","data":{"Ссылка":"x","ВерсияДанных":"1","Номер":"7","Сумма":1.5}}`), 40,
			`d {"Номер":"7","Сумма":1.5}`},
		{[]byte(`{"op":"d","kind":"Document","data":null}`), 40, "d (deleted)"},
		{[]byte("абвгдеёжзий"), 5, "абвг…"},
		{[]byte("a\tb\nc"), 10, "a b c"},
		{[]byte{0xff, 'x'}, 10, "?x"},
	} {
		if got := shorten(tc.in, tc.n); got != tc.want {
			t.Errorf("shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name    string
		args    []string
		env     map[string]string
		seconds int
		bin     string
		err     string
	}{
		{name: "defaults", seconds: 0},
		{name: "env seconds", env: map[string]string{EnvSeconds: "20"}, seconds: 20},
		{name: "flag over env", args: []string{"--seconds", "5"}, env: map[string]string{EnvSeconds: "20"}, seconds: 5},
		{name: "bin", args: []string{"--worker-bin", "/x/worker"}, bin: "/x/worker"},
		{name: "bad env", env: map[string]string{EnvSeconds: "soon"}, err: "DEMO_SECONDS"},
		{name: "bad rate", args: []string{"--rate", "0"}, err: "--rate"},
		{name: "bad interval", args: []string{"--interval", "1ms"}, err: "--interval"},
		{name: "extra arg", args: []string{"now"}, err: "unexpected argument"},
		{name: "unknown flag", args: []string{"--fast"}, err: "not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, env(tc.env))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want one mentioning %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.seconds != tc.seconds || o.interval != 3*time.Second || o.rate != 5 {
				t.Errorf("options %+v", o)
			}
			if tc.bin != "" && o.workerBin != tc.bin {
				t.Errorf("worker bin %q, want %q", o.workerBin, tc.bin)
			}
		})
	}
	if _, err := parseOptions([]string{"-h"}, env(nil)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
}

func TestCleanupOrderAndFailures(t *testing.T) {
	var cl cleanup
	var order []string
	cl.push("first", func() error { order = append(order, "first"); return nil })
	cl.push("second", func() error { order = append(order, "second"); return errors.New("boom") })
	cl.push("third", func() error { order = append(order, "third"); return nil })
	var w bytes.Buffer
	if n := cl.run(&w); n != 1 {
		t.Errorf("%d failures, want 1", n)
	}
	if strings.Join(order, ",") != "third,second,first" {
		t.Errorf("order %v", order)
	}
	if !strings.Contains(w.String(), "second: boom") {
		t.Errorf("report %q", w.String())
	}
	if n := cl.run(&w); n != 0 || len(order) != 3 {
		t.Error("a second run repeated the steps")
	}
}

func TestMainUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(t.Context(), []string{"--rate", "x"}, &out, &errb); code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errb.String(), "usage: worker demo") {
		t.Errorf("stderr %q", errb.String())
	}
	out.Reset()
	if code := Main(t.Context(), []string{"--help"}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "--seconds") {
		t.Errorf("--help: exit %d, %q", code, out.String())
	}
}

func TestChangesTopics(t *testing.T) {
	got := strings.Join(changesTopics(), ",")
	want := "demo.Catalog.Nomenklatura,demo.Catalog.Kontragenty,demo.Document.RealizatsiyaTovarovUslug,demo.InformationRegister.TsenyNomenklatury"
	if got != want {
		t.Errorf("topics %s, want %s", got, want)
	}
}
