package transforms

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/schema"
)

func TestEveryKafkaTransformIsRegistered(t *testing.T) {
	kv := []string{"Cast", "ExtractField", "Flatten", "HeaderFrom", "HoistField", "InsertField", "MaskField",
		"ReplaceField", "SetSchemaMetadata", "TimestampConverter"}
	for _, n := range kv {
		for _, suffix := range []string{"$Key", "$Value"} {
			for _, name := range []string{kafkaPkg + n + suffix, n + suffix} {
				if _, err := plugins.Default.Lookup(name, plugins.KindTransformation); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		}
	}
	for _, n := range []string{"DropHeaders", "Filter", "InsertHeader", "RegexRouter", "TimestampRouter", "ValueToKey", "TopicTransliterate"} {
		if _, err := plugins.Default.Lookup(n, plugins.KindTransformation); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
	for _, n := range []string{"TopicNameMatches", "HasHeaderKey", "RecordIsTombstone"} {
		if _, err := plugins.Default.Lookup(predicatePkg+n, plugins.KindPredicate); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

func TestCast(t *testing.T) {
	s := docSchema()
	tr := newTransform(t, "Cast$Value", map[string]string{"spec": "Количество:string,Сумма:float64,Номер:string"})
	out := apply(t, tr, valueRecord(s, docValue(s)))
	if got := get(t, out.Value, "Количество"); got != "42" {
		t.Fatalf("Количество = %#v", got)
	}
	if got := get(t, out.Value, "Сумма"); got != 123.45 {
		t.Fatalf("Сумма = %#v", got)
	}
	if f, _ := out.ValueSchema.Field("Сумма"); f.Schema.Type() != schema.FLOAT64 {
		t.Fatalf("schema not cast: %v", f.Schema)
	}
	if err := out.Value.(*schema.Struct).Validate(); err != nil {
		t.Fatal(err)
	}

	m := apply(t, newTransform(t, "Cast$Value", map[string]string{"spec": "Количество:int8,Номер:boolean"}), valueRecord(nil, docMap()))
	if v := m.Value.(map[string]any); v["Количество"] != int8(42) || v["Номер"] != false {
		t.Fatalf("schemaless cast: %#v", v)
	}
	whole := apply(t, newTransform(t, "Cast$Key", map[string]string{"spec": "string"}),
		&connect.Record{KeySchema: schema.Float64().MustBuild(), Key: 1e10})
	if whole.Key != "1.0E10" || whole.KeySchema.Type() != schema.STRING {
		t.Fatalf("whole key cast: %#v %v", whole.Key, whole.KeySchema)
	}
	if _, err := newTransform(t, "Cast$Value", map[string]string{"spec": "Номер:int32"}).Apply(valueRecord(s, docValue(s))); err == nil ||
		!strings.Contains(err.Error(), "Номер") {
		t.Fatalf("bad string cast err = %v", err)
	}
	p, _ := plugins.Default.Lookup("Cast$Value")
	if err := p.NewTransformation().Configure(map[string]string{"spec": "x:decimal"}); err == nil {
		t.Fatal("unknown type accepted")
	}
	if err := p.NewTransformation().Configure(map[string]string{}); err == nil || !strings.Contains(err.Error(), "spec") {
		t.Fatalf("missing spec err = %v", err)
	}
}

func TestJavaFloatString(t *testing.T) {
	for in, want := range map[float64]string{1: "1.0", 0.5: "0.5", 1e10: "1.0E10", 1.5e-5: "1.5E-5", 1234567: "1234567.0", -0.001: "-0.001", 12345678: "1.2345678E7"} {
		if got := javaFloatString(in, 64); got != want {
			t.Errorf("%v: got %s want %s", in, got, want)
		}
	}
}

func TestExtractFieldAndHoist(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Номер"}), valueRecord(s, docValue(s)))
	if out.Value != "ТД-7" || out.ValueSchema.Type() != schema.STRING {
		t.Fatalf("extract: %#v", out.Value)
	}
	nested := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Адрес.Город", "field.syntax.version": "V2"}),
		valueRecord(s, docValue(s)))
	if nested.Value != "Москва" {
		t.Fatalf("nested extract: %#v", nested.Value)
	}
	def := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Комментарий"}), valueRecord(s, docValue(s)))
	if def.Value != "нет" {
		t.Fatalf("default not used: %#v", def.Value)
	}
	noDef := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Комментарий", "replace.null.with.default": "false"}),
		valueRecord(s, docValue(s)))
	if noDef.Value != nil {
		t.Fatalf("replace.null.with.default=false: %#v", noDef.Value)
	}
	m := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Номер"}), valueRecord(nil, docMap()))
	if m.Value != "ТД-7" {
		t.Fatalf("schemaless extract: %#v", m.Value)
	}
	tomb := apply(t, newTransform(t, "ExtractField$Value", map[string]string{"field": "Номер"}), valueRecord(nil, nil))
	if tomb.Value != nil {
		t.Fatal("tombstone changed")
	}

	h := apply(t, newTransform(t, "HoistField$Key", map[string]string{"field": "Ключ"}),
		&connect.Record{KeySchema: schema.String().MustBuild(), Key: "k1"})
	if get(t, h.Key, "Ключ") != "k1" {
		t.Fatalf("hoist: %#v", h.Key)
	}
	hm := apply(t, newTransform(t, "HoistField$Key", map[string]string{"field": "Ключ"}), &connect.Record{Key: int64(5)})
	if hm.Key.(map[string]any)["Ключ"] != int64(5) {
		t.Fatalf("schemaless hoist: %#v", hm.Key)
	}
}

func TestFlatten(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "Flatten$Value", map[string]string{"delimiter": "_"}), valueRecord(s, docValue(s)))
	if get(t, out.Value, "Адрес_Город") != "Москва" || get(t, out.Value, "Номер") != "ТД-7" {
		t.Fatalf("flatten: %v", out.Value)
	}
	f, _ := out.ValueSchema.Field("Адрес_Индекс")
	if !f.Schema.Optional() || len(out.ValueSchema.Fields()) != 8 {
		t.Fatalf("flatten schema: %v", out.ValueSchema.Fields())
	}
	if err := out.Value.(*schema.Struct).Validate(); err != nil {
		t.Fatal(err)
	}
	// A null nested struct leaves its flattened fields null.
	v := docValue(s)
	v.Set(6, nil)
	out = apply(t, newTransform(t, "Flatten$Value", map[string]string{}), valueRecord(s, v))
	if get(t, out.Value, "Адрес.Город") != nil || get(t, out.Value, "Комментарий") != "нет" {
		t.Fatalf("null nested: %v", out.Value)
	}
	m := apply(t, newTransform(t, "Flatten$Value", map[string]string{}), valueRecord(nil, docMap()))
	if mv := m.Value.(map[string]any); mv["Адрес.Город"] != "Москва" || mv["Адрес"] != nil {
		t.Fatalf("schemaless flatten: %#v", mv)
	}
}

func TestHeaderFrom(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "HeaderFrom$Value", map[string]string{"fields": "Номер,Количество", "headers": "doc-number,qty", "operation": "move"}),
		valueRecord(s, docValue(s)))
	if h, ok := out.Headers.Last("doc-number"); !ok || h.Value != "ТД-7" || h.Schema.Type() != schema.STRING {
		t.Fatalf("header: %#v", h)
	}
	if _, ok := out.ValueSchema.Field("Номер"); ok {
		t.Fatal("moved field still in schema")
	}
	if err := out.Value.(*schema.Struct).Validate(); err != nil {
		t.Fatal(err)
	}
	cp := apply(t, newTransform(t, "HeaderFrom$Value", map[string]string{"fields": "Номер", "headers": "n", "operation": "copy"}),
		valueRecord(nil, docMap()))
	if cp.Value.(map[string]any)["Номер"] != "ТД-7" || len(cp.Headers) != 1 {
		t.Fatalf("copy: %#v", cp)
	}
	p, _ := plugins.Default.Lookup("HeaderFrom$Value")
	if err := p.NewTransformation().Configure(map[string]string{"fields": "a,b", "headers": "x", "operation": "copy"}); err == nil {
		t.Fatal("mismatched lists accepted")
	}
}

func TestInsertField(t *testing.T) {
	s := docSchema()
	props := map[string]string{"topic.field": "топик!", "partition.field": "раздел", "offset.field": "смещение",
		"timestamp.field": "время", "static.field": "источник", "static.value": "1С:УТ"}
	out := apply(t, newTransform(t, "InsertField$Value", props), valueRecord(s, docValue(s)))
	want := map[string]any{"топик": "Документ.Реализация", "раздел": int32(3), "смещение": int64(17), "время": docTime, "источник": "1С:УТ"}
	for k, v := range want {
		if got := get(t, out.Value, k); !schema.ValuesEqual(got, v) {
			t.Errorf("%s = %#v, want %#v", k, got, v)
		}
	}
	if f, _ := out.ValueSchema.Field("топик"); f.Schema.Optional() {
		t.Fatal("! did not make the field required")
	}
	if err := out.Value.(*schema.Struct).Validate(); err != nil {
		t.Fatal(err)
	}
	m := apply(t, newTransform(t, "InsertField$Value", props), valueRecord(nil, docMap()))
	if m.Value.(map[string]any)["источник"] != "1С:УТ" {
		t.Fatalf("schemaless insert: %#v", m.Value)
	}
	tomb := apply(t, newTransform(t, "InsertField$Value", props), valueRecord(s, nil))
	if tomb.Value != nil {
		t.Fatal("tombstone changed")
	}
}

func TestMaskField(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "MaskField$Value", map[string]string{"fields": "Номер,Количество,Сумма,Дата"}), valueRecord(s, docValue(s)))
	if get(t, out.Value, "Номер") != "" || get(t, out.Value, "Количество") != int32(0) ||
		!get(t, out.Value, "Сумма").(decimal.Decimal).IsZero() || !get(t, out.Value, "Дата").(time.Time).Equal(time.Unix(0, 0)) {
		t.Fatalf("mask: %v", out.Value)
	}
	rep := apply(t, newTransform(t, "MaskField$Value", map[string]string{"fields": "Номер,Количество", "replacement": "77"}), valueRecord(nil, docMap()))
	if v := rep.Value.(map[string]any); v["Номер"] != "77" || v["Количество"] != int64(77) {
		t.Fatalf("replacement: %#v", v)
	}
	if _, err := newTransform(t, "MaskField$Value", map[string]string{"fields": "Количество", "replacement": "много"}).
		Apply(valueRecord(nil, docMap())); err == nil {
		t.Fatal("non-numeric replacement for a number accepted")
	}
}

func TestReplaceField(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "ReplaceField$Value", map[string]string{"exclude": "Адрес", "renames": "Номер:number,Сумма:amount"}),
		valueRecord(s, docValue(s)))
	if get(t, out.Value, "number") != "ТД-7" || len(out.ValueSchema.Fields()) != 6 {
		t.Fatalf("replace: %v", out.Value)
	}
	if _, ok := out.ValueSchema.Field("Адрес"); ok {
		t.Fatal("excluded field kept")
	}
	inc := apply(t, newTransform(t, "ReplaceField$Value", map[string]string{"include": "Номер,Ссылка", "whitelist": "Количество"}),
		valueRecord(nil, docMap()))
	if v := inc.Value.(map[string]any); len(v) != 3 || v["Номер"] != "ТД-7" {
		t.Fatalf("include: %#v", v)
	}
	p, _ := plugins.Default.Lookup("ReplaceField$Value")
	if err := p.NewTransformation().Configure(map[string]string{"renames": "a"}); err == nil {
		t.Fatal("bad rename accepted")
	}
}

func TestSetSchemaMetadataAndValueToKey(t *testing.T) {
	s := docSchema()
	out := apply(t, newTransform(t, "SetSchemaMetadata$Value", map[string]string{"schema.name": "onec.Doc", "schema.version": "3"}),
		valueRecord(s, docValue(s)))
	if out.ValueSchema.Name() != "onec.Doc" || out.ValueSchema.Version() != 3 || out.Value.(*schema.Struct).Schema() != out.ValueSchema {
		t.Fatalf("metadata: %v", out.ValueSchema)
	}
	if _, err := newTransform(t, "SetSchemaMetadata$Value", map[string]string{"schema.name": "x"}).Apply(valueRecord(nil, docMap())); err == nil {
		t.Fatal("schemaless accepted")
	}

	k := apply(t, newTransform(t, "ValueToKey", map[string]string{"fields": "Ссылка,Номер"}), valueRecord(s, docValue(s)))
	if get(t, k.Key, "Номер") != "ТД-7" || len(k.KeySchema.Fields()) != 2 {
		t.Fatalf("value to key: %v", k.Key)
	}
	km := apply(t, newTransform(t, "ValueToKey", map[string]string{"fields": "Ссылка"}), valueRecord(nil, docMap()))
	if km.Key.(map[string]any)["Ссылка"] == nil {
		t.Fatalf("schemaless value to key: %#v", km.Key)
	}
	if _, err := newTransform(t, "ValueToKey", map[string]string{"fields": "Нет"}).Apply(valueRecord(s, docValue(s))); err == nil {
		t.Fatal("unknown field accepted")
	}
}

func TestTimestampConverter(t *testing.T) {
	s := docSchema()
	str := apply(t, newTransform(t, "TimestampConverter$Value", map[string]string{"field": "Дата", "target.type": "string", "format": "yyyy-MM-dd'T'HH:mm:ss.SSS"}),
		valueRecord(s, docValue(s)))
	if get(t, str.Value, "Дата") != "2024-03-15T10:30:00.000" {
		t.Fatalf("to string: %v", get(t, str.Value, "Дата"))
	}
	back := apply(t, newTransform(t, "TimestampConverter$Value", map[string]string{"field": "Дата", "target.type": "Timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss.SSS"}), str)
	if !get(t, back.Value, "Дата").(time.Time).Equal(docTime) {
		t.Fatalf("from string: %v", get(t, back.Value, "Дата"))
	}
	unix := apply(t, newTransform(t, "TimestampConverter$Value", map[string]string{"field": "Дата", "target.type": "unix", "unix.precision": "seconds"}),
		valueRecord(s, docValue(s)))
	if get(t, unix.Value, "Дата") != docTime.Unix() {
		t.Fatalf("unix: %v", get(t, unix.Value, "Дата"))
	}
	date := apply(t, newTransform(t, "TimestampConverter$Value", map[string]string{"target.type": "Date"}),
		&connect.Record{Value: docTime.UnixMilli()})
	if !date.Value.(time.Time).Equal(time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("schemaless whole to Date: %v", date.Value)
	}
	tm := apply(t, newTransform(t, "TimestampConverter$Value", map[string]string{"target.type": "Time"}),
		&connect.Record{ValueSchema: schema.Timestamp().MustBuild(), Value: docTime})
	if tm.ValueSchema.Logical() != schema.LogicalTime || tm.Value.(time.Time).UnixMilli() != (10*3600+30*60)*1000 {
		t.Fatalf("to Time: %v %v", tm.ValueSchema, tm.Value)
	}
	p, _ := plugins.Default.Lookup("TimestampConverter$Value")
	if err := p.NewTransformation().Configure(map[string]string{"target.type": "string"}); err == nil {
		t.Fatal("string without format accepted")
	}
}

func TestRoutersHeadersFilter(t *testing.T) {
	rr := newTransform(t, "RegexRouter", map[string]string{"regex": "1c-(.*)-(v\\d)", "replacement": "$2.$1-copy\\$"})
	out := apply(t, rr, &connect.Record{Topic: "1c-orders-v2"})
	if out.Topic != "v2.orders-copy$" {
		t.Fatalf("regex router: %s", out.Topic)
	}
	if apply(t, rr, &connect.Record{Topic: "x1c-orders-v2"}).Topic != "x1c-orders-v2" {
		t.Fatal("partial match renamed")
	}
	ts := apply(t, newTransform(t, "TimestampRouter", map[string]string{}), &connect.Record{Topic: "docs", Timestamp: docTime})
	if ts.Topic != "docs-20240315" {
		t.Fatalf("timestamp router: %s", ts.Topic)
	}
	if _, err := newTransform(t, "TimestampRouter", map[string]string{}).Apply(&connect.Record{Topic: "docs"}); err == nil {
		t.Fatal("missing timestamp accepted")
	}
	ih := apply(t, newTransform(t, "InsertHeader", map[string]string{"header": "источник", "value.literal": "42"}), &connect.Record{})
	if h, _ := ih.Headers.Last("источник"); h.Value != int8(42) {
		t.Fatalf("insert header: %#v", h)
	}
	r := &connect.Record{}
	r.Headers.AddString("a", "1")
	r.Headers.AddString("b", "2")
	r.Headers.AddString("a", "3")
	dh := apply(t, newTransform(t, "DropHeaders", map[string]string{"headers": "a"}), r)
	if len(dh.Headers) != 1 || dh.Headers[0].Key != "b" {
		t.Fatalf("drop headers: %#v", dh.Headers)
	}
	if f, _ := newTransform(t, "Filter", map[string]string{}).Apply(&connect.Record{}); f != nil {
		t.Fatal("filter kept the record")
	}
}

func TestPredicates(t *testing.T) {
	newPred := func(class string, props map[string]string) connect.Predicate {
		p, err := plugins.Default.Lookup(class, plugins.KindPredicate)
		if err != nil {
			t.Fatal(err)
		}
		pr := p.NewPredicate()
		if err := pr.Configure(props); err != nil {
			t.Fatal(err)
		}
		return pr
	}
	tn := newPred("TopicNameMatches", map[string]string{"pattern": "Справочник\\..*"})
	if !tn.Test(&connect.Record{Topic: "Справочник.Номенклатура"}) || tn.Test(&connect.Record{Topic: "x.Справочник.Номенклатура"}) {
		t.Fatal("TopicNameMatches must match the whole name")
	}
	hh := newPred("HasHeaderKey", map[string]string{"name": "h"})
	r := &connect.Record{}
	if hh.Test(r) {
		t.Fatal("no header matched")
	}
	r.Headers.AddString("h", "")
	if !hh.Test(r) {
		t.Fatal("header not found")
	}
	tomb := newPred("RecordIsTombstone", nil)
	if !tomb.Test(&connect.Record{}) || tomb.Test(&connect.Record{Value: "x"}) {
		t.Fatal("RecordIsTombstone")
	}
	p, _ := plugins.Default.Lookup("TopicNameMatches", plugins.KindPredicate)
	if err := p.NewPredicate().Configure(map[string]string{"pattern": "("}); err == nil {
		t.Fatal("bad regex accepted")
	}
}

func TestTopicTransliterate(t *testing.T) {
	tr := newTransform(t, "TopicTransliterate", map[string]string{"mappings": "Справочник.Контрагенты:partners"})
	cases := map[string]string{
		"Справочник.Номенклатура":          "Spravochnik.Nomenklatura",
		"РегистрСведений.ЦеныНоменклатуры": "RegistrSvedeniy.TsenyNomenklatury",
		"Справочник.Контрагенты":           "partners",
		"plain-topic_1.ok": "plain-topic_1.ok",
	}
	for in, want := range cases {
		out := apply(t, tr, &connect.Record{Topic: in})
		if out.Topic != want {
			t.Errorf("%s → %s, want %s", in, out.Topic, want)
		}
	}
	// е and э both romanise to "e": the second source must not silently merge.
	apply(t, tr, &connect.Record{Topic: "Справочник.Цеха"})
	if _, err := tr.Apply(&connect.Record{Topic: "Справочник.Цэха"}); err == nil || !strings.Contains(err.Error(), "Справочник.Цеха") {
		t.Fatalf("collision err = %v", err)
	}
	h := newTransform(t, "TopicTransliterate", map[string]string{"on.collision": "hash", "case": "lower"})
	a, b := apply(t, h, &connect.Record{Topic: "Справочник.Цеха"}).Topic, apply(t, h, &connect.Record{Topic: "Справочник.Цэха"}).Topic
	if a == b || !strings.HasPrefix(a, "spravochnik.tsekha_") {
		t.Fatalf("hash mode: %s %s", a, b)
	}
	if apply(t, h, &connect.Record{Topic: "legal"}).Topic != "legal" {
		t.Fatal("legal name changed in hash mode")
	}
	p, _ := plugins.Default.Lookup("TopicTransliterate")
	if err := p.NewTransformation().Configure(map[string]string{"mappings": "a:b c"}); err == nil {
		t.Fatal("illegal mapping target accepted")
	}
}

func TestJavaDateLayout(t *testing.T) {
	for in, want := range map[string]string{
		"yyyyMMdd": "20060102", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX": "2006-01-02T15:04:05.000Z07:00", "dd.MM.yy h:mm a": "02.01.06 3:04 PM",
		"EEE, d MMM yyyy": "Mon, 2 Jan 2006", "''yyyy''": "'2006'",
	} {
		got, err := javaDateLayout(in)
		if err != nil || got != want {
			t.Errorf("%q → %q (%v), want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"yyyyQ", "'x", "SSS", "yyyy'1'"} {
		if _, err := javaDateLayout(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestJavaReplacement(t *testing.T) {
	for _, tc := range []struct {
		in     string
		groups int
		want   string
		err    bool
	}{
		{"$1abc", 1, "${1}abc", false},
		{"$12", 1, "${1}2", false},
		{"$12", 12, "${12}", false},
		{"\\$1", 1, "$$1", false},
		{"${name}", 1, "${name}", false},
		{"$", 1, "", true},
		{"$x", 1, "", true},
		{"$3", 2, "", true},
	} {
		got, err := javaReplacement(tc.in, tc.groups)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("%q: got %q, %v", tc.in, got, err)
		}
	}
}
