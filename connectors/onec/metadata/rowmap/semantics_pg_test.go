package rowmap

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
)

func field(t *testing.T, st *schema.Struct, name string) any {
	t.Helper()
	v, ok := st.Get(name)
	if !ok {
		t.Fatalf("no field %s in %s", name, st.Schema().Name())
	}
	return v
}

// rowByRef finds the row whose first column (_IDRRef) is id.
func rowByRef(t *testing.T, rows [][]any, id []byte) []any {
	t.Helper()
	for _, r := range rows {
		if b, _ := r[0].([]byte); string(b) == string(id) {
			return r
		}
	}
	t.Fatalf("no row %x", id)
	return nil
}

// TestMappingSemantics checks the rules one by one on Trade rows:
// canonical references, empty references, enum names from the model and
// from the tables, the year offset both ways, and clear errors for bad
// input.
func TestMappingSemantics(t *testing.T) {
	ctx, conn, b, ib := tradeDB(t)
	bare, err := b.InsertObject(ctx, conn, "Справочник.Номенклатура", onectest.Row{"Наименование": "без ставки"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(ib, Options{})
	if err != nil {
		t.Fatal(err)
	}
	items, err := ib.Lookup("Справочник.Номенклатура")
	if err != nil {
		t.Fatal(err)
	}
	om, err := m.Object(items)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readObject(t, ctx, conn, om)
	first, _ := b.Ref("Справочник.Номенклатура", 1)

	st, err := om.Struct(rowByRef(t, rows, first.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := field(t, st, "Ссылка"), uuid1c.FromDB([16]byte(first.ID)).String(); got != want {
		t.Errorf("Ссылка = %v, want %s (§8.1 order)", got, want)
	}
	if got := field(t, st, "СтавкаНДС"); got != "НДС10" {
		t.Errorf("СтавкаНДС = %v, want НДС10", got)
	}
	empty, err := om.Struct(rowByRef(t, rows, bare.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := field(t, empty, "СтавкаНДС"); v != nil {
		t.Errorf("empty reference = %v, want null", v)
	}
	if v := field(t, empty, "Наименование"); v != "без ставки" {
		t.Errorf("Наименование = %q", v)
	}

	// Enum names read from the tables agree with the model.
	fromDB, err := LoadEnumsPG(ctx, conn, ib)
	if err != nil {
		t.Fatal(err)
	}
	mdb, _ := New(ib, Options{Enums: fromDB})
	omdb, err := mdb.Object(items)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		a, err1 := om.Struct(r, nil)
		c, err2 := omdb.Struct(r, nil)
		if err1 != nil || err2 != nil || !a.Equal(c) {
			t.Errorf("model and table enums differ: %v %v\n%s\n%s", err1, err2, render(a), render(c))
		}
	}

	// Year offset: dates are read without it and written with it.
	shifted := *ib
	shifted.YearOffset = 2000
	ms, _ := New(&shifted, Options{})
	sale, _ := ib.Lookup("Документ.РеализацияТоваровУслуг")
	oms, err := ms.Object(sale)
	if err != nil {
		t.Fatal(err)
	}
	drows, dsecs := readObject(t, ctx, conn, oms)
	sst, err := oms.Struct(drows[0], dsecs[0])
	if err != nil {
		t.Fatal(err)
	}
	stored := drows[0][3].(time.Time)
	if got := field(t, sst, "Дата").(time.Time); !got.Equal(stored.AddDate(-2000, 0, 0)) {
		t.Errorf("Дата with offset 2000 = %v, stored %v", got, stored)
	}
	vals, err := oms.Values(sst)
	if err != nil {
		t.Fatal(err)
	}
	if got := vals[3].(time.Time); !got.Equal(stored) {
		t.Errorf("Values with offset 2000 = %v, want %v", got, stored)
	}
	dec, _ := New(&shifted, Options{DatesWithoutOffset: true})
	omd, _ := dec.Object(sale)
	if std, err := omd.Struct(drows[0], dsecs[0]); err != nil || !field(t, std, "Дата").(time.Time).Equal(stored) {
		t.Errorf("DatesWithoutOffset: %v %v", err, std)
	}

	// Bad input gives errors, not panics.
	bad := func(what string, mutate func([]any)) {
		t.Helper()
		row := append([]any(nil), drows[0]...)
		mutate(row)
		if _, err := oms.Struct(row, dsecs[0]); err == nil {
			t.Errorf("%s: no error", what)
		} else if !strings.Contains(err.Error(), sale.FullName()) {
			t.Errorf("%s: error %q does not name the object", what, err)
		}
	}
	col := func(name string) int {
		for i, c := range oms.Columns() {
			if strings.HasSuffix(c.Name, name) {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	bad("short reference", func(r []any) { r[0] = []byte{1, 2, 3} })
	bad("unknown tag", func(r []any) { r[col("_type")] = []byte{0x09} })
	bad("reference to an unknown type code", func(r []any) {
		r[col("_type")], r[col("_rtref")] = []byte{0x08}, []byte{0, 0, 0x7f, 0}
	})
	bad("wrong Go type", func(r []any) { r[3] = "yesterday" })
	bad("NULL in a required column", func(r []any) { r[0] = nil })
	if _, err := oms.Struct(drows[0][:3], nil); err == nil {
		t.Error("short row: no error")
	}
	if _, err := oms.Struct(drows[0], map[string][][]any{"Нет": nil}); err == nil {
		t.Error("unknown section: no error")
	}
	itemRow := append([]any(nil), rowByRef(t, rows, first.ID)...)
	for i, c := range om.Columns() {
		if p, _ := items.Attributes[2].Column(metadata.PurposeRef); c.Name == p.Name {
			itemRow[i] = make([]byte, 16)
			itemRow[i].([]byte)[0] = 0x55
		}
	}
	if _, err := om.Struct(itemRow, nil); err == nil || !strings.Contains(err.Error(), "СтавкиНДС") {
		t.Errorf("unknown enum value: %v", err)
	}
}

// TestRegisterWrite writes a record built as a Connect struct into
// РегистрСведений.ЦеныНоменклатуры through Values and reads it back.
func TestRegisterWrite(t *testing.T) {
	ctx, conn, b, ib := tradeDB(t)
	m, _ := New(ib, Options{})
	reg, _ := ib.Lookup("РегистрСведений.ЦеныНоменклатуры")
	om, err := m.Object(reg)
	if err != nil {
		t.Fatal(err)
	}
	item, _ := b.Ref("Справочник.Номенклатура", 2)
	st := schema.NewStruct(om.Schema())
	for name, v := range map[string]any{
		"Период":       time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC),
		"Номенклатура": uuid1c.FromDB([16]byte(item.ID)).String(),
		"ВидЦены":      "Оптовая",
		"Цена":         decimal.RequireFromString("12.34"),
		"Валюта":       "RUB",
	} {
		if err := st.Put(name, v); err != nil {
			t.Fatal(err)
		}
	}
	vals, err := om.Values(st)
	if err != nil {
		t.Fatal(err)
	}
	cols := om.Columns()
	names, ph := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		ph[i] = fmt.Sprintf("$%d", i+1)
		if c.Kind == metadata.ColString {
			ph[i] += "::text"
		}
	}
	if _, err := conn.Exec(ctx, "INSERT INTO "+reg.Table+" ("+strings.Join(names, ", ")+") VALUES ("+strings.Join(ph, ", ")+")", vals...); err != nil {
		t.Fatal(err)
	}
	rows := queryRows(t, ctx, conn, "SELECT "+selectList(cols)+" FROM "+reg.Table+" WHERE "+cols[0].Name+" = $1", time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC))
	if len(rows) != 1 {
		t.Fatalf("%d rows read back", len(rows))
	}
	back, err := om.Struct(rows[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	want := render(st)
	if got := render(back); got != want {
		t.Errorf("read back:\n%s\nwant\n%s", got, want)
	}
	st.MustPut("Цена", decimal.RequireFromString("-1"))
	if _, err := om.Values(st); err == nil || !strings.Contains(err.Error(), "non-negative") {
		t.Errorf("negative price: %v", err)
	}
	st.MustPut("Цена", decimal.RequireFromString("1e14"))
	if _, err := om.Values(st); err == nil || !strings.Contains(err.Error(), "does not fit") {
		t.Errorf("huge price: %v", err)
	}
	st.MustPut("Цена", decimal.Zero)
	st.MustPut("ВидЦены", strings.Repeat("я", 26))
	if _, err := om.Values(st); err == nil || !strings.Contains(err.Error(), "String(25)") {
		t.Errorf("long string: %v", err)
	}
}

// TestHierarchy checks ЭтоГруппа (stored inverted as _Folder), Родитель
// and the NULL attributes of groups.
func TestHierarchy(t *testing.T) {
	cfg := &onectest.Configuration{Name: "Иерархия", Objects: []*onectest.Object{
		{Kind: onectest.Catalog, Name: "Группы", Hierarchical: true,
			Attributes: []onectest.Attribute{{Name: "Цвет", Type: onectest.FixedString(8)}, {Name: "Любое", Type: onectest.Composite(onectest.Bool(), onectest.String(5))}}},
	}}
	ctx, conn, b, url := pgtest.Build(t, cfg, time.Minute)
	group, err := b.InsertObject(ctx, conn, "Справочник.Группы", onectest.Row{"ЭтоГруппа": true, "Наименование": "Группа"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	item, err := b.InsertObject(ctx, conn, "Справочник.Группы", onectest.Row{"ЭтоГруппа": false, "Родитель": group, "Наименование": "Элемент", "Цвет": "red", "Любое": true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := metadata.Open(ctx, url, metadata.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ib := r.Snapshot()
	o, _ := ib.Lookup("Catalog.Группы")
	m, _ := New(ib, Options{})
	om, err := m.Object(o)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readObject(t, ctx, conn, om)
	g, err := om.Struct(rowByRef(t, rows, group.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	i, err := om.Struct(rowByRef(t, rows, item.ID), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		st    *schema.Struct
		field string
		want  string
	}{
		{g, "ЭтоГруппа", "true"},
		{g, "Родитель", "null"},
		{g, "Цвет", "null"},
		{g, "Любое", "null"},
		{i, "ЭтоГруппа", "false"},
		{i, "Родитель", `"` + uuid1c.FromDB([16]byte(group.ID)).String() + `"`},
		{i, "Цвет", `"red"`},
		{i, "Любое", "{\n  \"type\": \"Boolean\",\n  \"value\": \"true\"\n}"},
	} {
		if got := render(field(t, c.st, c.field)); got != c.want {
			t.Errorf("%s of %v = %s, want %s", c.field, field(t, c.st, "Наименование"), got, c.want)
		}
	}
	// Writing un-inverts again: a group is stored as _Folder = false.
	vals, err := om.Values(g)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range om.Columns() {
		if c.Name == "_folder" && vals[k] != false {
			t.Errorf("_folder of a group = %v, want false", vals[k])
		}
	}
}

// TestRecorderComposite maps a register with two recorder document types:
// Регистратор (_RecorderTRef + _RecorderRRef, no _TYPE) becomes an
// onec.Composite naming the document.
func TestRecorderComposite(t *testing.T) {
	const reg = "РегистрНакопления.Остатки"
	cfg := &onectest.Configuration{Name: "Склад", Objects: []*onectest.Object{
		{Kind: onectest.Document, Name: "Приход", Registers: []string{reg}},
		{Kind: onectest.Document, Name: "Расход", Registers: []string{reg}},
		{Kind: onectest.AccumulationRegister, Name: "Остатки",
			Dimensions: []onectest.Attribute{{Name: "Склад", Type: onectest.String(10)}},
			Resources:  []onectest.Attribute{{Name: "Количество", Type: onectest.Number(10, 3)}}},
	}}
	ctx, conn, b, url := pgtest.Build(t, cfg, time.Minute)
	if _, err := b.Generate(ctx, conn, "Документ.Приход", 2, onectest.GenOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := b.GenerateRecords(ctx, conn, reg, 2); err != nil {
		t.Fatal(err)
	}
	r, err := metadata.Open(ctx, url, metadata.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ib := r.Snapshot()
	o, _ := ib.Lookup(reg)
	m, _ := New(ib, Options{})
	om, err := m.Object(o)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := readObject(t, ctx, conn, om)
	if len(rows) != 2 {
		t.Fatalf("%d rows", len(rows))
	}
	doc, _ := b.Ref("Документ.Приход", 1)
	want := "{\n  \"type\": \"Document.Приход\",\n  \"value\": \"" + uuid1c.FromDB([16]byte(doc.ID)).String() + "\"\n}"
	found := false
	for _, row := range rows {
		st, err := om.Struct(row, nil)
		if err != nil {
			t.Fatal(err)
		}
		found = found || render(field(t, st, "Регистратор")) == want
		vals, err := om.Values(st)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range om.Columns() {
			if c.Name == "_recordertref" || c.Name == "_recorderrref" {
				if string(vals[i].([]byte)) != string(row[i].([]byte)) {
					t.Errorf("%s written as %x, read %x", c.Name, vals[i], row[i])
				}
			}
		}
	}
	if !found {
		t.Errorf("no record with Регистратор %s", want)
	}
}
