package tablesource

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connectors/onec/common/commontest"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// offlineProps is a configuration whose database refuses connections at
// once (port 1 on loopback): only the checks without metadata run.
func offlineProps(objects string) map[string]string {
	return map[string]string{"name": "trade-snapshot", "connector.class": Class, "tasks.max": "1",
		"database.url": "postgres://127.0.0.1:1/trade", "database.user": "kafka_reader", KeyObjects: objects}
}

// entry is one PATCH entry for the partition of object.
func entry(object string, offset map[string]any) connect.OffsetEntry {
	return connect.OffsetEntry{Partition: map[string]any{"object": object}, Offset: offset}
}

// TestAlterExternalOffsets checks submitted offsets without the 1C
// metadata (the database refuses connections): partitions against the
// configured objects in either kind spelling, the offset keys' types and
// shapes, every problem of a request in one error; resets always pass.
func TestAlterExternalOffsets(t *testing.T) {
	const (
		cat  = "Справочник.Номенклатура"
		doc  = "Документ.РеализацияТоваровУслуг"
		uuid = "0f8fad5b-d9cb-469f-a165-70867728950e"
	)
	configured := "Catalog.Номенклатура, " + doc // English and Russian kinds
	tests := []struct {
		name     string
		objects  string // "" = configured
		entries  []connect.OffsetEntry
		problems int      // how many the error counts
		want     []string // substrings of the error; none = accepted
	}{
		{name: "valid mid-pass offset",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(3), OffsetAfter: `["` + uuid + `"]`, OffsetVStart: int64(0)})}},
		{name: "valid completed pass",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(2), OffsetDone: true, OffsetDoneMS: int64(1700000000000), OffsetVersion: int64(-1)})}},
		{name: "start of a pass",
			entries: []connect.OffsetEntry{entry(doc, map[string]any{OffsetPass: int64(1), OffsetAfter: ""})}},
		{name: "empty offset: pass 1 from the start",
			entries: []connect.OffsetEntry{entry(doc, map[string]any{})}},
		{name: "reset",
			entries: []connect.OffsetEntry{entry(cat, nil), entry(doc, nil)}},
		{name: "reset of an object no longer configured (DELETE passes every stored partition)",
			entries: []connect.OffsetEntry{entry("Справочник.Удалённый", nil), {Partition: map[string]any{"table": "x"}}}},
		{name: "resets need no valid configuration", objects: " ",
			entries: []connect.OffsetEntry{entry(cat, nil)}},
		{name: "object not configured",
			entries: []connect.OffsetEntry{entry("Справочник.Контрагенты", map[string]any{OffsetPass: int64(1)})}, problems: 1,
			want: []string{`partition {"object":"Справочник.Контрагенты"}: "Справочник.Контрагенты" is not one of the configured objects (objects = Catalog.Номенклатура,` + doc + `)`}},
		{name: "configured in English, partition in Russian",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1)})}},
		{name: "configured in Russian, partition in Russian", objects: cat,
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1)})}},
		{name: "name case differs from the configuration (told only with the metadata)", objects: "catalog.номенклатура",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1)})}},
		{name: "partition with the English kind: the task would never read it", objects: cat,
			entries: []connect.OffsetEntry{entry("Catalog.Номенклатура", map[string]any{OffsetPass: int64(1)})}, problems: 1,
			want: []string{`partition {"object":"Catalog.Номенклатура"}: want {"object":"Справочник.Номенклатура"}, the partition under which the task reads`}},
		{name: "partition with the kind in lower case",
			entries: []connect.OffsetEntry{entry("справочник.Номенклатура", map[string]any{OffsetPass: int64(1)})}, problems: 1,
			want: []string{`partition {"object":"справочник.Номенклатура"}: want {"object":"Справочник.Номенклатура"}`}},
		{name: "partition with another key",
			entries: []connect.OffsetEntry{{Partition: map[string]any{"object": cat, "table": "_Reference12"}, Offset: map[string]any{OffsetPass: int64(1)}}}, problems: 1,
			want: []string{`partition {"object":"Справочник.Номенклатура","table":"_Reference12"}: unknown key "table"; want {"object": "<1C full name of a configured object>"}`}},
		{name: "partition without object",
			entries: []connect.OffsetEntry{{Partition: map[string]any{"table": "_Reference12"}, Offset: map[string]any{OffsetPass: int64(1)}}}, problems: 1,
			want: []string{`partition {"table":"_Reference12"}: no "object" key`}},
		{name: "partition object not a text",
			entries: []connect.OffsetEntry{{Partition: map[string]any{"object": int64(12)}, Offset: map[string]any{OffsetPass: int64(1)}}}, problems: 1,
			want: []string{`partition {"object":12}: object = 12 is not a text`}},
		{name: "wrong types",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: "1", OffsetDone: "yes", OffsetDoneMS: 1.5,
				OffsetVersion: "x", OffsetVStart: true, OffsetAfter: int64(5)})}, problems: 6,
			want: []string{
				`Справочник.Номенклатура: pass = "1": want a whole number from 1`,
				`Справочник.Номенклатура: done = "yes": want true or false`,
				`Справочник.Номенклатура: done.ms = 1.5: want unix milliseconds`,
				`Справочник.Номенклатура: version = "x": want a row version (a whole number)`,
				`Справочник.Номенклатура: version.start = true: want a row version (a whole number)`,
				`Справочник.Номенклатура: after = 5: want a JSON array of key texts`}},
		{name: "pass as a fraction",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: 1.5})}, problems: 1,
			want: []string{`Справочник.Номенклатура: pass = 1.5: want a whole number from 1`}},
		{name: "pass 0",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(0), OffsetDone: true})}, problems: 1,
			want: []string{`Справочник.Номенклатура: pass = 0: want a whole number from 1`}},
		{name: "after not JSON",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1), OffsetAfter: uuid})}, problems: 1,
			want: []string{`Справочник.Номенклатура: after = "` + uuid + `": want a JSON array of the key's texts`}},
		{name: "after an empty array",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1), OffsetAfter: "[]"})}, problems: 1,
			want: []string{`after = "[]": want a JSON array of the key's texts`}},
		{name: "after of numbers",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1), OffsetAfter: "[1]"})}, problems: 1,
			want: []string{`after = "[1]": want a JSON array of the key's texts`}},
		{name: "after ignored in a completed pass, as the task does",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1), OffsetDone: true, OffsetAfter: "junk"})}},
		{name: "unknown key",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{"pas": int64(2)})}, problems: 1,
			want: []string{`Справочник.Номенклатура: pas = 2: not a key of this connector's offsets, which are pass, after, done, done.ms, version, version.start; did you mean pass?`}},
		{name: "several problems reported together",
			entries: []connect.OffsetEntry{
				entry(cat, map[string]any{OffsetPass: int64(0), OffsetAfter: "x"}),
				entry(doc, nil), // a reset among them is fine
				entry("Справочник.Контрагенты", map[string]any{OffsetPass: int64(1)}),
				entry(doc, map[string]any{OffsetPass: int64(1), "lag": int64(3)}),
			}, problems: 4,
			want: []string{
				`Справочник.Номенклатура: pass = 0: want a whole number from 1; Справочник.Номенклатура: after = "x": want a JSON array`,
				`; partition {"object":"Справочник.Контрагенты"}: "Справочник.Контрагенты" is not one of the configured objects`,
				`; Документ.РеализацияТоваровУслуг: lag = 3: not a key of this connector's offsets`}},
		{name: "DB unreachable: the key's length is not checked",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1), OffsetAfter: `["a","b","c"]`})}},
		{name: "invalid configuration", objects: " ",
			entries: []connect.OffsetEntry{entry(cat, map[string]any{OffsetPass: int64(1)})},
			want:    []string{"the connector configuration is invalid", "objects"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objects := tt.objects
			if objects == "" {
				objects = configured
			}
			managed, err := (&Connector{}).AlterExternalOffsets(t.Context(), offlineProps(objects), tt.entries)
			commontest.CheckOffsetsAnswer(t, managed, err, tt.problems, tt.want)
		})
	}
}

// TestAlterExternalOffsetsSilentDB: a database that accepts the connection
// and never answers holds the request only as long as its context allows;
// the offsets are then checked without the metadata.
func TestAlterExternalOffsetsSilentDB(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered, until the listener closes
		}
	}()
	props := offlineProps("Catalog.Номенклатура")
	props["database.url"] = "postgres://" + ln.Addr().String() + "/trade?sslmode=disable"
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	managed, err := (&Connector{}).AlterExternalOffsets(ctx, props,
		[]connect.OffsetEntry{entry("Справочник.Номенклатура", map[string]any{OffsetPass: int64(1), OffsetAfter: `["a","b"]`})})
	commontest.CheckOffsetsAnswer(t, managed, err, 0, nil)
	if d := time.Since(start); d > offsetMetadataWait {
		t.Errorf("took %s, want the context's 500ms", d)
	}
}

// TestParseOffsetProblems: parseOffset lists every bad key, not the first
// only, and checks the length of "after" when the key is known.
func TestParseOffsetProblems(t *testing.T) {
	key := []dialect.Column{{Name: "_RecorderTRef"}, {Name: "_RecorderRRef"}, {Name: "_LineNo"}}
	tests := []struct {
		name string
		off  map[string]any
		key  []dialect.Column
		want []string // the problems' keys, in order
	}{
		{name: "none stored", off: nil},
		{name: "every key wrong", off: map[string]any{OffsetPass: int64(-1), OffsetDone: int64(1), OffsetDoneMS: "t",
			OffsetVStart: 0.5, OffsetVersion: nil, OffsetAfter: `"a"`},
			want: []string{OffsetPass, OffsetDone, OffsetDoneMS, OffsetVStart, OffsetVersion, OffsetAfter}},
		{name: "after of the key's length", off: map[string]any{OffsetAfter: `["1","2","3"]`}, key: key},
		{name: "after too short for the key", off: map[string]any{OffsetAfter: `["1","2"]`}, key: key, want: []string{OffsetAfter}},
		{name: "after of any length without the key", off: map[string]any{OffsetAfter: `["1","2"]`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, ps := parseOffset("РегистрНакопления.Продажи", tt.off, tt.key)
			var got []string
			for _, p := range ps {
				got = append(got, p.key)
				if !strings.HasPrefix(p.String(), "РегистрНакопления.Продажи: "+p.key+" = ") {
					t.Errorf("problem %q does not name the object and the key", p)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("problems %v, want keys %v", ps, tt.want)
			}
		})
	}
	_, _, ps := parseOffset("РегистрНакопления.Продажи", map[string]any{OffsetAfter: `["1"]`}, key)
	if want := "want a JSON array of the 3 key texts (_RecorderTRef, _RecorderRRef, _LineNo)"; len(ps) != 1 || ps[0].want != want {
		t.Errorf("problems %v, want %q", ps, want)
	}
}

// TestAlterExternalOffsetsMetadata checks submitted offsets against the
// 1C metadata of a real PostgreSQL infobase: an offset the task stored
// passes as it is; an "after" with the wrong number of key texts, or a
// text that is not a value of its key column, and a partition whose name
// differs in case from the metadata are refused.
func TestAlterExternalOffsetsMetadata(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	const cat = "Справочник.Номенклатура"
	_, err := b.Generate(ctx, db, cat, 30, onectest.GenOptions{})
	must(t, err)
	props := connProps(t, dsn)
	props[KeyObjects] = "Catalog.Номенклатура, AccumulationRegister.Продажи"
	props[KeyBatchSize] = "10"

	// An offset the task wrote, as the offset store gives it back.
	tctx := &fakeTaskContext{}
	tk := &Task{}
	must(t, tk.Start(ctx, tctx, props))
	for i := 0; i < 20 && tctx.stored(cat) == nil; i++ {
		recs, err := tk.Poll(ctx)
		must(t, err)
		tctx.commit(recs)
	}
	must(t, tk.Stop(ctx))
	raw, err := storage.EncodeValue(tctx.stored(cat))
	must(t, err)
	written, err := storage.DecodeMap(raw)
	must(t, err)
	if written[OffsetAfter] == nil {
		t.Fatalf("stored offset %v has no after", written)
	}
	with := func(key string, v any) map[string]any {
		off := map[string]any{}
		for k, x := range written {
			off[k] = x
		}
		off[key] = v
		return off
	}

	tests := []struct {
		name     string
		entries  []connect.OffsetEntry
		problems int
		want     []string
	}{
		{name: "offset the task wrote", entries: []connect.OffsetEntry{entry(cat, written)}},
		{name: "after with too many key texts",
			entries:  []connect.OffsetEntry{entry(cat, with(OffsetAfter, `["0f8fad5b-d9cb-469f-a165-70867728950e","x"]`))},
			problems: 1,
			want:     []string{`Справочник.Номенклатура: after = "[\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"x\"]": want a JSON array of the 1 key texts (_idrref)`}}, // PostgreSQL names are lower-case
		{name: "after not a reference",
			entries: []connect.OffsetEntry{entry(cat, with(OffsetAfter, `["Гвозди"]`))}, problems: 1,
			want: []string{`Справочник.Номенклатура: after = "[\"Гвозди\"]": text 1 ("Гвозди") is not a value of key column _idrref: encode column _idrref (binary16)`}},
		{name: "register key of another length",
			entries: []connect.OffsetEntry{entry("РегистрНакопления.Продажи", map[string]any{OffsetPass: int64(1), OffsetAfter: `["x"]`})}, problems: 1,
			want: []string{`РегистрНакопления.Продажи: after = "[\"x\"]": want a JSON array of the `}},
		{name: "name case differs from the metadata",
			entries: []connect.OffsetEntry{entry("Справочник.номенклатура", written)}, problems: 1,
			want: []string{`partition {"object":"Справочник.номенклатура"}: want {"object":"Справочник.Номенклатура"}`}},
		{name: "reset", entries: []connect.OffsetEntry{entry(cat, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			managed, err := (&Connector{}).AlterExternalOffsets(ctx, props, tt.entries)
			commontest.CheckOffsetsAnswer(t, managed, err, tt.problems, tt.want)
		})
	}
}
