package queuesink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

// memInfobase loads the test configuration's metadata without a database,
// as the given DBMS would store it.
func memInfobase(t testing.TB, dbms metadata.DBMS) *metadata.Infobase {
	t.Helper()
	l, err := onectest.Plan(testConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	cfgFiles, paramFiles, err := l.Files()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(fs []onectest.ConfigFile) map[string][]byte {
		m := map[string][]byte{}
		for _, f := range fs {
			m[f.Name] = onectest.EncodeFile(f.Body, true)
		}
		return m
	}
	ib, err := metadata.Load(context.Background(), metadata.NewMemorySource(dbms, enc(cfgFiles), enc(paramFiles), 0), metadata.LoadOptions{Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return ib
}

// baseProps is a valid configuration of the test register (no database
// needed to parse); "<unset>" removes a key.
func baseProps(extra map[string]string) map[string]string {
	p := map[string]string{
		"database.url": "postgres://127.0.0.1:5432/inbox", KeyRegister: inbox, KeySequenceField: "НомерСообщения",
		KeyTopicField: "Топик", KeyPartitionField: "Раздел", KeyOffsetField: "Смещение", KeyKeyField: "Ключ", KeyValueField: "Тело",
		KeyHeadersJSONField: "Заголовки", KeyTimestampField: "ВремяСообщения", KeyReceivedField: "ДатаПоступления",
	}
	for k, v := range extra {
		if v == "<unset>" {
			delete(p, k)
			continue
		}
		p[k] = v
	}
	return p
}

func mustPlan(t testing.TB, dbms metadata.DBMS, d dialect.Dialect, extra map[string]string) *plan {
	t.Helper()
	cfg, err := ParseConfig(baseProps(extra))
	if err != nil {
		t.Fatal(err)
	}
	p, err := resolve(memInfobase(t, dbms), d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestResolveReportsEachWrongKey: Validate's messages name the key, the
// field and the reason.
func TestResolveReportsEachWrongKey(t *testing.T) {
	ib := memInfobase(t, metadata.DBMSPostgres)
	for _, tc := range []struct {
		name  string
		extra map[string]string
		key   string
		want  string
	}{
		{"unknown register", map[string]string{KeyRegister: "РегистрСведений.ВходящиеСообщени"}, KeyRegister, "did you mean"},
		{"not a register", map[string]string{KeyRegister: "Справочник.Номенклатура"}, KeyRegister, "information register"},
		{"unknown field", map[string]string{KeyKeyField: "Клюк"}, KeyKeyField, "did you mean Ключ"},
		{"sequence not a number", map[string]string{KeySequenceField: "Ключ", KeyKeyField: ""}, KeySequenceField, "Число(n,0)"},
		{"offset with fraction digits", map[string]string{KeyOffsetField: "Сумма"}, KeyOffsetField, "without fraction digits"},
		{"topic not a string", map[string]string{KeyTopicField: "Сумма"}, KeyTopicField, "string field"},
		{"timestamp not a date", map[string]string{KeyTimestampField: "Тело", KeyValueField: ""}, KeyTimestampField, "date field"},
		{"dimension left empty", map[string]string{KeySequenceField: ""}, KeyRegister, "НомерСообщения"},
		{"dedup of an unmapped field", map[string]string{KeyDedupField: "ИдСообщения"}, KeyDedupField, "filled by no key"},
		{"dedup of the sequence", map[string]string{KeyDedupField: "НомерСообщения"}, KeyDedupField, "never repeats"},
		{"unknown dedup field", map[string]string{KeyDedupField: "Ид"}, KeyDedupField, "has no field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(baseProps(tc.extra))
			if err != nil {
				t.Fatal(err)
			}
			_, err = resolve(ib, dialect.Postgres(), cfg)
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *config.ValidationError", err)
			}
			msgs := strings.Join(ve.Errors[tc.key], "; ")
			if !strings.Contains(msgs, tc.want) {
				t.Fatalf("errors %v: key %s lacks %q", ve.Errors, tc.key, tc.want)
			}
		})
	}
}

// TestParseConfigRefusesAFieldTwice: one register field takes one source.
func TestParseConfigRefusesAFieldTwice(t *testing.T) {
	_, err := ParseConfig(baseProps(map[string]string{KeyKeyField: "Тело"}))
	var ve *config.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors[KeyValueField]) == 0 || !strings.Contains(ve.Errors[KeyValueField][0], KeyKeyField) {
		t.Fatalf("error %v, want one against %s naming %s", err, KeyValueField, KeyKeyField)
	}
	if _, err := ParseConfig(baseProps(map[string]string{KeyBatchSize: "0"})); err == nil {
		t.Fatal("batch.size=0 accepted")
	}
	if _, err := ParseConfig(baseProps(map[string]string{"database.url": "postgres://u:pw@127.0.0.1/x"})); err == nil ||
		!strings.Contains(err.Error(), "database.password") {
		t.Fatalf("password in the URL: %v", err)
	}
}

func record(key, value any, headers ...connect.Header) *connect.SinkRecord {
	p := int32(3)
	return &connect.SinkRecord{Record: connect.Record{Topic: "orders", Partition: &p, Key: key, Value: value, Offset: 42,
		Timestamp: time.Date(2024, 5, 1, 10, 0, 0, 123000000, time.FixedZone("MSK", 3*3600)), Headers: headers},
		OriginalTopic: "orders", OriginalPartition: 3, OriginalOffset: 42}
}

// TestConvertRecord: the coordinates, key, value, headers and timestamps
// land in their columns in database form, fields without a source get
// 1C's empty values, and the sequence column is left to the writer.
func TestConvertRecord(t *testing.T) {
	p := mustPlan(t, metadata.DBMSPostgres, dialect.Postgres(), nil)
	c := &converter{p: p, d: dialect.Postgres()}
	now := time.Date(2024, 6, 1, 12, 30, 0, 0, time.UTC)
	row, id, err := c.row(record("ключ", "тело", connect.Header{Key: "a", Value: "1"}, connect.Header{Key: "b", Value: []byte("x")}), now)
	if err != nil {
		t.Fatal(err)
	}
	if id != nil {
		t.Fatalf("dedup id %v without dedup.field", id)
	}
	get := func(key string) any { return row[p.byKey[key].col] }
	num := func(v any) string {
		n, ok := v.(pgtype.Numeric)
		if !ok {
			t.Fatalf("%T, want pgtype.Numeric", v)
		}
		return decimal.NewFromBigInt(n.Int, n.Exp).String()
	}
	checks := []struct {
		key  string
		got  any
		want any
	}{
		{KeyTopicField, get(KeyTopicField), "orders"},
		{KeyPartitionField, num(get(KeyPartitionField)), "3"},
		{KeyOffsetField, num(get(KeyOffsetField)), "42"},
		{KeyKeyField, get(KeyKeyField), "ключ"},
		{KeyValueField, get(KeyValueField), "тело"},
		{KeyHeadersJSONField, get(KeyHeadersJSONField), `{"a":"1","b":"x"}`},
		{KeyTimestampField, get(KeyTimestampField), time.Date(2024, 5, 1, 7, 0, 0, 0, time.UTC)},
		{KeyReceivedField, get(KeyReceivedField), now},
		{KeySequenceField, num(get(KeySequenceField)), "0"}, // the filler until the writer numbers it
	}
	for _, ch := range checks {
		if g, ok := ch.got.(time.Time); ok {
			if !g.Equal(ch.want.(time.Time)) {
				t.Errorf("%s = %v, want %v", ch.key, g, ch.want)
			}
			continue
		}
		if ch.got != ch.want {
			t.Errorf("%s = %#v, want %#v", ch.key, ch.got, ch.want)
		}
	}
	tbl := p.structs
	if len(tbl) != 0 {
		t.Fatalf("struct fields mapped with value.field set: %v", tbl)
	}
	// Unmapped fields hold the empty value of their type.
	for _, f := range []struct {
		name string
		want string
	}{{"ТипСообщения", ""}, {"ИдСообщения", ""}} {
		col := -1
		for i, c := range p.cols {
			pr, _ := findProp(p, f.name)
			if pr != nil && strings.EqualFold(c.Name, pr.Columns[0].Name) {
				col = i
			}
		}
		if col < 0 || row[col] != f.want {
			t.Errorf("%s = %#v, want %q", f.name, row[col], f.want)
		}
	}
}

func findProp(p *plan, name string) (*metadata.Property, bool) {
	for _, pr := range p.obj.AllProperties() {
		if pr.Name == name {
			return pr, true
		}
	}
	return nil, false
}

// TestConvertErrors: values that do not fit are *FieldErrors naming the
// field, its type and the limit, on both engines.
func TestConvertErrors(t *testing.T) {
	st := schema.StructBuilder().Name("m").
		Field("Сумма", schema.Decimal(3).Optional().MustBuild()).
		Field("Количество", schema.Int64().Optional().MustBuild()).
		Field("Срочно", schema.String().Optional().MustBuild()).
		Field("ВремяСообщения", schema.String().Optional().MustBuild()).MustBuild()
	structOf := func(field string, v any) *schema.Struct {
		s := schema.NewStruct(st)
		f, _ := st.Field(field)
		s.Set(f.Index, v)
		return s
	}
	for _, tc := range []struct {
		name  string
		extra map[string]string
		rec   *connect.SinkRecord
		want  string // "" = no error
	}{
		{"key fits", nil, record(strings.Repeat("я", 20), "v"), ""},
		{"key too long", nil, record(strings.Repeat("я", 21), "v"), "Ключ (String(20)) from key.field: string of 21 characters is longer than the field's length 20"},
		{"surrogate pairs count twice", nil, record(strings.Repeat("😀", 11), "v"), "string of 22 characters"},
		{"truncated on request", map[string]string{KeyTruncateStrings: "true"}, record(strings.Repeat("я", 30), "v"), ""},
		{"invalid UTF-8", nil, record([]byte{0xff, 0xfe}, "v"), "not valid UTF-8"},
		{"struct value into text", nil, record("k", structOf("Сумма", decimal.RequireFromString("1.5"))), ""},
		{"number too big", map[string]string{KeyValueField: ""}, record("k", structOf("Сумма", decimal.RequireFromString("123456789.000"))), "Сумма (Number(10,2))"},
		{"too many fraction digits", map[string]string{KeyValueField: ""}, record("k", structOf("Сумма", decimal.RequireFromString("1.234"))), "more than 2 fraction digit(s)"},
		{"trailing zeros fit", map[string]string{KeyValueField: ""}, record("k", structOf("Сумма", decimal.RequireFromString("1.230"))), ""},
		{"negative into non-negative", map[string]string{KeyValueField: ""}, record("k", structOf("Количество", int64(-1))), "non-negative"},
		{"integer too big", map[string]string{KeyValueField: ""}, record("k", structOf("Количество", int64(100000))), "at most 5 integer digit(s)"},
		{"bool from text", map[string]string{KeyValueField: ""}, record("k", structOf("Срочно", "true")), ""},
		{"bool from junk", map[string]string{KeyValueField: ""}, record("k", structOf("Срочно", "да")), "not a boolean"},
		{"date from text", map[string]string{KeyValueField: "", KeyTimestampField: ""}, record("k", structOf("ВремяСообщения", "2024-05-01T10:00:00+03:00")), ""},
		{"date from junk", map[string]string{KeyValueField: "", KeyTimestampField: ""}, record("k", structOf("ВремяСообщения", "вчера")), "not an RFC 3339"},
		{"text value in struct mode", map[string]string{KeyValueField: ""}, record("k", "text"), "must be a struct"},
		{"JSON object in struct mode", map[string]string{KeyValueField: ""}, record("k", map[string]any{"Сумма": 12.5, "Количество": float64(3)}), ""},
	} {
		for _, eng := range []struct {
			dbms metadata.DBMS
			d    dialect.Dialect
		}{{metadata.DBMSPostgres, dialect.Postgres()}, {metadata.DBMSSQLServer, dialect.SQLServer()}} {
			t.Run(tc.name+"/"+eng.d.Name(), func(t *testing.T) {
				p := mustPlan(t, eng.dbms, eng.d, tc.extra)
				c := &converter{p: p, d: eng.d}
				row, _, err := c.row(tc.rec, time.Now())
				switch {
				case tc.want == "" && err != nil:
					t.Fatalf("unexpected error: %v", err)
				case tc.want != "" && err == nil:
					t.Fatalf("no error, want %q", tc.want)
				case tc.want != "":
					var fe *FieldError
					if !errors.As(err, &fe) || !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), tc.want) {
						t.Fatalf("error %v, want a FieldError containing %q", err, tc.want)
					}
				}
				if tc.name == "truncated on request" && row[p.byKey[KeyKeyField].col] != strings.Repeat("я", 20) {
					t.Fatalf("key %q, want 20 characters", row[p.byKey[KeyKeyField].col])
				}
			})
		}
	}
}

func TestTruncateUTF16(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 2, "ab"}, {"яяя", 3, "яяя"}, {"a😀b", 2, "a"}, {"a😀b", 3, "a😀"}, {"", 0, ""}} {
		if got := truncateUTF16(tc.in, tc.n); got != tc.want {
			t.Errorf("truncateUTF16(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestPeriodStart(t *testing.T) {
	ts := time.Date(2024, 8, 17, 13, 14, 15, 500, time.UTC)
	for p, want := range map[metadata.Periodicity]time.Time{
		metadata.PeriodYear:    time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		metadata.PeriodQuarter: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
		metadata.PeriodMonth:   time.Date(2024, 8, 1, 0, 0, 0, 0, time.UTC),
		metadata.PeriodDay:     time.Date(2024, 8, 17, 0, 0, 0, 0, time.UTC),
		metadata.PeriodSecond:  time.Date(2024, 8, 17, 13, 14, 15, 0, time.UTC),
	} {
		if got := periodStart(ts, p); !got.Equal(want) {
			t.Errorf("periodicity %d: %v, want %v", p, got, want)
		}
	}
}

// TestNormKey: ids compare the same whether they come from the encoder or
// back from a driver.
func TestNormKey(t *testing.T) {
	num := dialect.Column{Name: "_Fld1", Kind: dialect.Numeric, Precision: 10, Scale: 2}
	str := dialect.Column{Name: "_Fld2", Kind: dialect.FixedString, Length: 10}
	enc, err := dialect.Postgres().Encode(num, decimal.RequireFromString("12.50"), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		col  dialect.Column
		a, b any
	}{
		{num, enc, "12.5"}, {num, "12.50", []byte("12.5")}, {str, "ID-1", "id-1     "}, {str, []byte("ab"), "AB"},
	} {
		if normKey(tc.col, tc.a) != normKey(tc.col, tc.b) {
			t.Errorf("%#v and %#v differ: %q vs %q", tc.a, tc.b, normKey(tc.col, tc.a), normKey(tc.col, tc.b))
		}
	}
}

// TestMetricsCollect: the collector exposes every counter with the
// connector and task labels.
func TestMetricsCollect(t *testing.T) {
	m := NewMetrics("inbox", 2)
	m.rows.Add(5)
	m.dlq.Add(1)
	reg := prometheus.NewRegistry()
	if err := reg.Register(m); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			if len(mt.GetLabel()) != 2 || mt.GetLabel()[0].GetValue() != "inbox" || mt.GetLabel()[1].GetValue() != "2" {
				t.Fatalf("%s labels %v", f.GetName(), mt.GetLabel())
			}
			if c := mt.GetCounter(); c != nil {
				got[f.GetName()] = c.GetValue()
			}
		}
	}
	if len(fams) != len(sinkDescs) || got["onec_sink_rows_written_total"] != 5 || got["onec_sink_errant_records_total"] != 1 {
		t.Fatalf("families %d, values %v", len(fams), got)
	}
}

// TestEncodeIntMatchesDialect: the integer fast path gives what
// dialect.Encode gives, on both engines, with and without a slab.
func TestEncodeIntMatchesDialect(t *testing.T) {
	col := dialect.Column{Name: "_Fld1", Kind: dialect.Numeric, Precision: 19}
	for _, d := range []dialect.Dialect{dialect.Postgres(), dialect.SQLServer()} {
		for _, slab := range []*intSlab{nil, {}} {
			for _, n := range []int64{0, 1, -1, 42, 1 << 40, 999999999999999999, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
				want, err := d.Encode(col, n, 0)
				if err != nil {
					t.Fatal(err)
				}
				got, ok := encodeInt(d, slab, n)
				if !ok {
					t.Fatalf("%s: no fast path", d.Name())
				}
				if w, isNum := want.(pgtype.Numeric); isNum {
					g := got.(pgtype.Numeric)
					if g.Int.Cmp(w.Int) != 0 || g.Exp != w.Exp || g.Valid != w.Valid {
						t.Fatalf("%s %d (slab %v): %v, want %v", d.Name(), n, slab != nil, g, w)
					}
					continue
				}
				if got != want {
					t.Fatalf("%s %d: %#v, want %#v", d.Name(), n, got, want)
				}
			}
		}
	}
}

// TestIntSlabValuesIndependent: numbers cut from one slab do not share
// storage.
func TestIntSlabValuesIndependent(t *testing.T) {
	var s intSlab
	var got []*big.Int
	for i := range int64(3 * slabRows) {
		got = append(got, s.newInt(i-slabRows))
	}
	for i, v := range got {
		if want := int64(i - slabRows); !v.IsInt64() || v.Int64() != want {
			t.Fatalf("number %d: %v, want %d", i, v, want)
		}
	}
}

// TestHeadersJSONMatchesEncodingJSON: the direct rendering of headers
// equals encoding/json's rendering of the same map, whichever path it
// takes.
func TestHeadersJSONMatchesEncodingJSON(t *testing.T) {
	many := make(connect.Headers, maxFastHeaders+1)
	for i := range many {
		many[i] = connect.Header{Key: fmt.Sprintf("k%02d", len(many)-i), Value: "v"}
	}
	cases := []struct {
		name string
		h    connect.Headers
	}{
		{"one", connect.Headers{{Key: "source", Value: "bench"}}},
		{"sorted by key", connect.Headers{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "B", Value: "3"}}},
		{"repeated key keeps the last", connect.Headers{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "a", Value: "3"}}},
		{"nil value", connect.Headers{{Key: "a", Value: nil}}},
		{"bytes value", connect.Headers{{Key: "a", Value: []byte("x<y")}}},
		{"number value", connect.Headers{{Key: "n", Value: int32(7)}}},
		{"html characters", connect.Headers{{Key: "a&b", Value: "<tag>"}}},
		{"quotes and backslashes", connect.Headers{{Key: `q"`, Value: `c:\dir`}}},
		{"control characters", connect.Headers{{Key: "t", Value: "a\tb\nc\x01\x7f"}}},
		{"cyrillic", connect.Headers{{Key: "источник", Value: "Склад №1"}}},
		{"line separators", connect.Headers{{Key: "a", Value: "x\u2028y\u2029"}}},
		{"invalid UTF-8", connect.Headers{{Key: "a", Value: "x\xffy"}}},
		{"empty key and value", connect.Headers{{Key: "", Value: ""}}},
		{"more than the fast path takes", many},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := map[string]string{}
			for _, x := range tc.h {
				switch v := x.Value.(type) {
				case nil:
					m[x.Key] = ""
				case string:
					m[x.Key] = v
				case []byte:
					m[x.Key] = string(v)
				default:
					m[x.Key] = fmt.Sprint(v)
				}
			}
			want, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if got := headersJSON(tc.h); got != string(want) {
				t.Fatalf("got %s, want %s", got, want)
			}
			if got := string(appendHeadersJSON([]byte("prefix"), tc.h)); got != "prefix"+string(want) {
				t.Fatalf("appended: got %s", got)
			}
		})
	}
}

// TestConverterMemoFollowsValues: remembered encodings of repeating
// sources are replaced when the value changes.
func TestConverterMemoFollowsValues(t *testing.T) {
	c := &converter{p: &plan{cols: make([]dialect.Column, 1)}, d: dialect.SQLServer()}
	tg := &target{name: "Раздел", col: 0, kind: vkNumber, src: srcPartition, key: KeyPartitionField,
		dcol: dialect.Column{Name: "_Fld1", Kind: dialect.Numeric, Precision: 10}}
	for _, n := range []int64{1, 1, 2, 2, 1} {
		row := make([]any, 1)
		if err := c.set(row, tg, n, tg.key); err != nil {
			t.Fatal(err)
		}
		if want := strconv.FormatInt(n, 10); row[0] != want {
			t.Fatalf("partition %d encoded as %v, want %s", n, row[0], want)
		}
	}
}
