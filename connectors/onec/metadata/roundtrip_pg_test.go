package metadata

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// buildPG builds cfg into a fresh PostgreSQL database and returns its URL,
// an open connection and the builder's result.
func buildPG(t *testing.T, cfg *onectest.Configuration) (context.Context, string, *pgx.Conn, *onectest.Built) {
	t.Helper()
	ctx, conn, b, url := pgtest.Build(t, cfg, 2*time.Minute)
	return ctx, url, conn, b
}

// pgColumn is one column as information_schema describes it.
type pgColumn struct {
	name, typ string
	nullable  bool
}

func (c pgColumn) String() string {
	n := ""
	if c.nullable {
		n = " null"
	}
	return c.name + " " + c.typ + n
}

// tableColumns reads a table's columns from information_schema (the
// length of mchar/mvarchar, which information_schema does not know for a
// user-defined type, comes from format_type).
func tableColumns(t *testing.T, ctx context.Context, conn *pgx.Conn, table string) []pgColumn {
	t.Helper()
	rows, err := conn.Query(ctx, `SELECT c.column_name::text, c.is_nullable = 'YES',
		CASE WHEN c.data_type = 'numeric' THEN format('numeric(%s,%s)', c.numeric_precision, c.numeric_scale)
		     WHEN c.data_type = 'USER-DEFINED' THEN format_type(a.atttypid, a.atttypmod)
		     ELSE c.data_type END
		FROM information_schema.columns c
		JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_name))::regclass AND a.attname = c.column_name
		WHERE c.table_schema = current_schema() AND c.table_name = $1 ORDER BY c.ordinal_position`, table)
	if err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pgColumn, error) {
		var c pgColumn
		err := r.Scan(&c.name, &c.nullable, &c.typ)
		return c, err
	})
	if err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	if len(out) == 0 {
		t.Fatalf("table %s does not exist", table)
	}
	return out
}

// pgTypeOf spells a reader column the way information_schema reports it on
// PostgreSQL (1c-layout.md §7.1).
func pgTypeOf(c Column) string {
	switch c.Kind {
	case ColBinary16, ColBytes, ColTypeTag, ColBinary4:
		return "bytea"
	case ColBool:
		return "boolean"
	case ColString:
		switch {
		case c.Length == 0:
			return "mvarchar"
		case c.Fixed:
			return fmt.Sprintf("mchar(%d)", c.Length)
		}
		return fmt.Sprintf("mvarchar(%d)", c.Length)
	case ColNumeric:
		return fmt.Sprintf("numeric(%d,%d)", c.Precision, c.Scale)
	case ColDateTime:
		return "timestamp without time zone"
	case ColVersion:
		return "integer"
	}
	return "unknown"
}

func readerColumns(cols []Column) []pgColumn {
	out := make([]pgColumn, len(cols))
	for i, c := range cols {
		out[i] = pgColumn{name: c.Name, typ: pgTypeOf(c), nullable: c.Nullable}
	}
	return out
}

func builderColumns(cols []*onectest.Column) []pgColumn {
	out := make([]pgColumn, len(cols))
	for i, c := range cols {
		out[i] = pgColumn{name: c.PG(), typ: strings.Replace(c.PGType, "numeric(", "numeric(", 1), nullable: c.Nullable}
	}
	return out
}

func sameColumns(t *testing.T, what string, got, want []pgColumn) {
	t.Helper()
	g, w := fmt.Sprint(got), fmt.Sprint(want)
	if g != w {
		t.Errorf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// englishKind maps onectest's Russian kind names to the reader's English.
func englishName(full string) string {
	k, name, _ := strings.Cut(full, ".")
	return ParseKind(k).String() + "." + name
}

// TestRoundTripPostgres builds configurations with onectest into
// PostgreSQL, reads them back with Open and compares every object, table,
// column, property and type with information_schema and with the builder's
// own layout.
func TestRoundTripPostgres(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *onectest.Configuration
	}{
		{"trade", onectest.Trade()},
		{"wide", wideConfig("8.3.23")},
		{"compat8.2.16", wideConfig("8.2.16")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, url, conn, built := buildPG(t, tc.cfg)
			r, err := Open(ctx, url, LoadOptions{Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ib := r.Snapshot()
			if len(ib.Problems) > 0 {
				t.Fatalf("problems: %v", ib.Problems)
			}
			compat, _ := strconv.Atoi(strings.ReplaceAll(strings.Replace(tc.cfg.CompatibilityVersion, ".", "0", 1), ".", ""))
			if ib.Name != tc.cfg.Name || ib.Synonym != tc.cfg.Synonym || ib.CompatibilityVersion != compat || ib.DBMS != DBMSPostgres {
				t.Errorf("infobase = %q %q %d %s", ib.Name, ib.Synonym, ib.CompatibilityVersion, ib.DBMS)
			}
			if ib.YearOffset != 0 {
				t.Errorf("year offset %d, want 0", ib.YearOffset)
			}
			compareLayout(t, ctx, conn, ib, built)
			compareProperties(t, ib, built)
		})
	}
}

// compareLayout compares tables and columns: reader, builder and
// information_schema.
func compareLayout(t *testing.T, ctx context.Context, conn *pgx.Conn, ib *Infobase, built *onectest.Built) {
	cfg := built.Config
	if len(ib.Objects) != len(cfg.Objects) {
		t.Errorf("%d objects read, %d built", len(ib.Objects), len(cfg.Objects))
	}
	for _, co := range cfg.Objects {
		t.Run(co.FullName(), func(t *testing.T) {
			ol, err := built.Object(co.FullName())
			if err != nil {
				t.Fatal(err)
			}
			o, err := ib.Lookup(co.FullName())
			if err != nil {
				t.Fatal(err)
			}
			if en, err := ib.Lookup(strings.ToUpper(englishName(co.FullName()))); err != nil || en != o {
				t.Errorf("Lookup(English) = %v, %v", en, err)
			}
			if o.Synonym != co.Synonym {
				t.Errorf("synonym %q, want %q", o.Synonym, co.Synonym)
			}
			if o.UUID.String() != ol.UUID {
				t.Errorf("uuid %s, want %s", o.UUID, ol.UUID)
			}
			if o.TypeCode != ol.Code {
				t.Errorf("type code %d, want %d", o.TypeCode, ol.Code)
			}
			if o.Kind.IsReference() {
				if o.RefTypeUUID.String() != ol.RefTypeUUID {
					t.Errorf("ref type uuid %s, want %s", o.RefTypeUUID, ol.RefTypeUUID)
				}
				if back, ok := ib.ObjectByTypeCode(ol.Code); !ok || back != o {
					t.Errorf("ObjectByTypeCode(%d) = %v", ol.Code, back)
				}
			}
			if o.Table != ol.Table.PG() {
				t.Fatalf("table %s, want %s", o.Table, ol.Table.PG())
			}
			schemaCols := tableColumns(t, ctx, conn, o.Table)
			sameColumns(t, o.Table+" reader vs information_schema", readerColumns(o.Columns()), schemaCols)
			sameColumns(t, o.Table+" builder vs information_schema", builderColumns(ol.Table.Columns), schemaCols)

			// Every field maps to the builder's columns.
			for _, p := range append(append(o.Dimensions, o.Resources...), o.Attributes...) {
				f, err := ol.Field(p.Name)
				if err != nil {
					t.Error(err)
					continue
				}
				if p.UUID.String() != f.UUID {
					t.Errorf("%s uuid %s, want %s", p.Name, p.UUID, f.UUID)
				}
				if p.Synonym != f.Attribute.Synonym {
					t.Errorf("%s synonym %q, want %q", p.Name, p.Synonym, f.Attribute.Synonym)
				}
				sameColumns(t, p.Name, readerColumns(p.Columns), builderFieldColumns(ol.Table, f))
			}
			if n := len(o.Dimensions) + len(o.Resources) + len(o.Attributes); n != len(ol.Fields) && co.Kind != onectest.Constant {
				t.Errorf("%d fields read, %d built", n, len(ol.Fields))
			}

			// Tabular sections.
			if len(o.TabularSections) != len(co.TabularSections) {
				t.Errorf("%d tabular sections, want %d", len(o.TabularSections), len(co.TabularSections))
			}
			for _, cts := range co.TabularSections {
				sl, err := ol.Section(cts.Name)
				if err != nil {
					t.Fatal(err)
				}
				tg, err := ib.Resolve(o.FullNameRU() + "." + cts.Name)
				if err != nil {
					t.Fatal(err)
				}
				ts := tg.TabularSection
				if ts == nil || tg.Object != o {
					t.Fatalf("Resolve(%s) = %+v", cts.Name, tg)
				}
				if ts.Table != sl.Table.PG() || ts.UUID.String() != sl.UUID || ts.Synonym != cts.Synonym {
					t.Errorf("section %s: table %s uuid %s synonym %q; want %s %s %q", cts.Name, ts.Table, ts.UUID, ts.Synonym, sl.Table.PG(), sl.UUID, cts.Synonym)
				}
				var cols []Column
				for _, p := range ts.AllProperties() {
					cols = append(cols, p.Columns...)
				}
				sc := tableColumns(t, ctx, conn, ts.Table)
				sameColumns(t, ts.Table+" reader vs information_schema", readerColumns(cols), sc)
				sameColumns(t, ts.Table+" builder vs information_schema", builderColumns(sl.Table.Columns), sc)
			}

			// Change tables.
			switch {
			case ol.ChangeTable == nil && o.ChangeTable != nil:
				t.Errorf("reader has change table %s, builder none", o.ChangeTable.Table)
			case ol.ChangeTable != nil && o.ChangeTable == nil:
				t.Errorf("reader has no change table, builder %s", ol.ChangeTable.PG())
			case ol.ChangeTable != nil:
				if o.ChangeTable.Table != ol.ChangeTable.PG() {
					t.Errorf("change table %s, want %s", o.ChangeTable.Table, ol.ChangeTable.PG())
				}
				sc := tableColumns(t, ctx, conn, o.ChangeTable.Table)
				sameColumns(t, o.ChangeTable.Table+" reader vs information_schema", readerColumns(o.ChangeTable.Columns()), sc)
				sameColumns(t, o.ChangeTable.Table+" builder vs information_schema", builderColumns(ol.ChangeTable.Columns), sc)
				for _, suffix := range []string{".Изменения", ".Changes"} {
					tg, err := ib.Resolve(englishName(co.FullName()) + suffix)
					if err != nil || !tg.Changes || tg.Object != o {
						t.Errorf("Resolve(%s) = %+v, %v", suffix, tg, err)
					}
				}
			}

			// Enum values: names, order and the rows' _IDRRef.
			if co.Kind == onectest.Enum {
				checkEnum(t, ctx, conn, o, co, ol)
			}
		})
	}
}

// builderFieldColumns returns the builder's columns of one field.
func builderFieldColumns(tb *onectest.Table, f *onectest.FieldLayout) []pgColumn {
	fc := f.Columns
	var out []pgColumn
	for _, n := range []string{fc.Single, fc.Type, fc.L, fc.N, fc.T, fc.S, fc.RTRef, fc.RRRef} {
		if n == "" {
			continue
		}
		out = append(out, builderColumns([]*onectest.Column{tb.Column(n)})...)
	}
	return out
}

func checkEnum(t *testing.T, ctx context.Context, conn *pgx.Conn, o *Object, co *onectest.Object, ol *onectest.ObjectLayout) {
	t.Helper()
	if len(o.EnumValues) != len(co.EnumValues) {
		t.Fatalf("%d enum values, want %d", len(o.EnumValues), len(co.EnumValues))
	}
	rows, err := conn.Query(ctx, "SELECT _idrref, _enumorder::int FROM "+o.Table+" ORDER BY _enumorder")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id    []byte
		order int
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.order)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(o.EnumValues) {
		t.Fatalf("%d enum rows, %d values", len(got), len(o.EnumValues))
	}
	for i, v := range o.EnumValues {
		if v.Name != co.EnumValues[i] || v.Order != i || v.UUID.String() != ol.EnumValues[i] {
			t.Errorf("value %d = %+v, want %s %s", i, v, co.EnumValues[i], ol.EnumValues[i])
		}
		var db [16]byte
		copy(db[:], got[i].id)
		if uuid1c.FromDB(db) != v.UUID || got[i].order != v.Order {
			t.Errorf("row %d: _IDRRef %x order %d, value %s order %d", i, got[i].id, got[i].order, v.UUID, v.Order)
		}
	}
}

// wantType converts a builder type to the TypeDef the reader must produce.
func wantType(t *testing.T, ib *Infobase, bt onectest.Type) string {
	t.Helper()
	td := TypeDef{Boolean: bt.Boolean, Number: bt.Number, Precision: bt.Precision, Scale: bt.Scale, NonNegative: bt.NonNegative,
		Date: bt.Dates != onectest.NoDate, String: bt.String, Length: bt.Length, Fixed: bt.Fixed, UUID: bt.UUID, ValueStorage: bt.ValueStorage}
	switch bt.Dates {
	case onectest.DateOnly:
		td.DateParts = DateOnly
	case onectest.TimeOnly:
		td.DateParts = TimeOnly
	}
	for _, r := range bt.Refs {
		o, err := ib.Lookup(r)
		if err != nil {
			t.Fatalf("reference target %s: %v", r, err)
		}
		td.Refs = append(td.Refs, o.UUID)
	}
	return typeString(&td)
}

func typeString(td *TypeDef) string {
	return fmt.Sprintf("%s %s %v", td.Describe(), td.DateParts, td.Refs)
}

// compareProperties compares the object properties and the attribute
// types the reader decodes from the builder's descriptors.
func compareProperties(t *testing.T, ib *Infobase, built *onectest.Built) {
	uuids := func(names []string) string {
		var out []string
		for _, n := range names {
			o, err := ib.Lookup(n)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, o.UUID.String())
		}
		return strings.Join(out, ",")
	}
	joined := func(us []uuid1c.UUID) string {
		var out []string
		for _, u := range us {
			out = append(out, u.String())
		}
		return strings.Join(out, ",")
	}
	for _, co := range built.Config.Objects {
		o, err := ib.Lookup(co.FullName())
		if err != nil {
			t.Fatal(err)
		}
		name := co.FullName()
		check := func(what string, got, want any) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %s = %v, want %v", name, what, got, want)
			}
		}
		ol, _ := built.Object(name)
		for _, p := range append(append(o.Dimensions, o.Resources...), o.Attributes...) {
			f, err := ol.Field(p.Name)
			if err != nil {
				t.Fatal(err)
			}
			check(p.Name+" type", typeString(&p.Type), wantType(t, ib, f.Attribute.Type))
		}
		for _, cts := range co.TabularSections {
			ts, _ := o.TabularSection(cts.Name)
			if len(ts.Attributes) != len(cts.Attributes) {
				t.Fatalf("%s.%s: %d attributes, want %d", name, cts.Name, len(ts.Attributes), len(cts.Attributes))
			}
			for i, a := range cts.Attributes {
				p := ts.Attributes[i]
				check(cts.Name+"."+a.Name, p.Name+" "+p.Synonym+" "+typeString(&p.Type), a.Name+" "+a.Synonym+" "+wantType(t, ib, a.Type))
			}
			check(cts.Name+" line number length", ts.LineNumberLength, 5)
		}
		switch co.Kind {
		case onectest.Catalog:
			code, desc := builtLengths(co)
			check("code", fmt.Sprint(o.CodeLength, o.CodeIsNumber, o.DescriptionLength, o.Hierarchical, o.HierarchyGroups),
				fmt.Sprint(code, co.CodeNumeric, desc, co.Hierarchical, co.Hierarchical))
			check("owners", joined(o.Owners), uuids(co.Owners))
		case onectest.Document:
			n := co.NumberLength
			if n == 0 {
				n = 11 // onectest's default
			}
			check("number", fmt.Sprint(o.NumberLength, o.NumberIsNumber, o.NumberPeriodicity != 0), fmt.Sprint(n, co.NumberNumeric, co.NumberPeriodicity != onectest.PeriodNone))
			check("register records", joined(o.RegisterRecords), uuids(co.Registers))
		case onectest.InformationRegister:
			check("periodicity", int(o.Periodicity), int(co.Periodicity))
			check("recorder", o.UseRecorder, co.RecorderSubordinate)
			if co.RecorderSubordinate {
				check("recorders", joined(o.Recorders), uuids(recordersOf(built.Config, co)))
			}
		case onectest.AccumulationRegister:
			check("kind", o.RegisterKind == Turnovers, co.Turnovers)
			check("recorders", joined(o.Recorders), uuids(recordersOf(built.Config, co)))
		case onectest.Constant:
			if o.ValueType == nil {
				t.Fatalf("%s: no value type", name)
			}
			check("value type", typeString(o.ValueType), wantType(t, ib, co.Type))
			v := o.StandardAttributes[len(o.StandardAttributes)-1]
			check("value column", strings.ToLower(fmt.Sprint(readerColumns(v.Columns))), fmt.Sprint(builderFieldColumns(ol.Table, ol.Fields[co.Name])))
		case onectest.ExchangePlan:
			code, desc := builtLengths(co)
			check("code", fmt.Sprint(o.CodeLength, o.DescriptionLength), fmt.Sprint(code, desc))
			var items []uuid1c.UUID
			for _, it := range o.ExchangeContent {
				items = append(items, it.UUID)
			}
			check("content", joined(items), uuids(co.Content))
		}
	}
}

// recordersOf lists the documents posting to a register.
func recordersOf(cfg *onectest.Configuration, reg *onectest.Object) []string {
	var out []string
	for _, d := range cfg.Objects {
		for _, r := range d.Registers {
			if cfg.Object(r) == reg {
				out = append(out, d.FullName())
			}
		}
	}
	return out
}

// wideConfig covers what Trade does not: hierarchical catalogs with one and
// several owners, numeric codes and numbers, missing code/description,
// UUID, ValueStorage and time attributes, a balance register and a
// recorder-subordinate information register with two recorders, a periodic
// independent register and registers in an exchange plan, composite
// constants.
func wideConfig(compat string) *onectest.Configuration {
	const (
		own1 = "Справочник.Владельцы1"
		own2 = "Справочник.Владельцы2"
		tree = "Справочник.Иерархия"
		bal  = "РегистрНакопления.Остатки"
		sub  = "РегистрСведений.ДвиженияСведений"
		per  = "РегистрСведений.Курсы"
		flat = "РегистрСведений.Настройки"
		cnst = "Константа.ОсновнойВладелец"
		mix  = "Константа.Смешанная"
		kind = "Перечисление.Виды"
	)
	return &onectest.Configuration{
		Name: "Широкая", Synonym: "Широкая конфигурация", CompatibilityVersion: compat,
		Objects: []*onectest.Object{
			{Kind: onectest.Enum, Name: "Виды", Synonym: "Виды", EnumValues: []string{"Первый", "Второй"}},
			{Kind: onectest.Catalog, Name: "Владельцы1", Synonym: "Владельцы 1"},
			{Kind: onectest.Catalog, Name: "Владельцы2", CodeNumeric: true, CodeLength: 6, NoDescription: true},
			{Kind: onectest.Catalog, Name: "Иерархия", Synonym: "Иерархия", Hierarchical: true, CodeNumeric: true, CodeLength: 8,
				Owners: []string{own1, own2},
				Attributes: []onectest.Attribute{
					{Name: "Ид", Type: onectest.UUIDType()},
					{Name: "Хранилище", Type: onectest.ValueStorage()},
					{Name: "Время", Type: onectest.Time()},
					{Name: "День", Type: onectest.Date()},
					{Name: "ФлагИлиВладелец", Type: onectest.Composite(onectest.Bool(), onectest.Ref(own1))},
					{Name: "Вид", Type: onectest.Ref(kind)},
					{Name: "Любой", Type: onectest.Composite(onectest.FixedString(4), onectest.Date(), onectest.Number(5, 0), onectest.Bool(), onectest.Ref(own1, own2, kind))},
				},
				TabularSections: []onectest.TabularSection{{Name: "Состав", Attributes: []onectest.Attribute{
					{Name: "Элемент", Type: onectest.Ref(tree)},
				}}}},
			{Kind: onectest.Catalog, Name: "Подчиненный", NoCode: true, Owners: []string{own1}},
			{Kind: onectest.Document, Name: "Приход", NumberNumeric: true, NumberLength: 9, Registers: []string{bal, sub},
				Attributes: []onectest.Attribute{{Name: "Склад", Type: onectest.Ref(own1)}},
				TabularSections: []onectest.TabularSection{
					{Name: "Товары", Attributes: []onectest.Attribute{{Name: "Количество", Type: onectest.Number(10, 3)}}},
					{Name: "Услуги", Attributes: []onectest.Attribute{{Name: "Описание", Type: onectest.String(0)}}},
				}},
			{Kind: onectest.Document, Name: "Расход", NumberPeriodicity: onectest.PeriodQuarter, Registers: []string{bal, sub}},
			{Kind: onectest.AccumulationRegister, Name: "Остатки",
				Dimensions: []onectest.Attribute{{Name: "Склад", Type: onectest.Ref(own1)}, {Name: "Вид", Type: onectest.Ref(kind)}},
				Resources:  []onectest.Attribute{{Name: "Количество", Type: onectest.Number(15, 3)}},
				Attributes: []onectest.Attribute{{Name: "Комментарий", Type: onectest.String(30)}}},
			{Kind: onectest.InformationRegister, Name: "ДвиженияСведений", RecorderSubordinate: true, Periodicity: onectest.PeriodMonth,
				Dimensions: []onectest.Attribute{{Name: "Ключ", Type: onectest.String(20)}},
				Resources:  []onectest.Attribute{{Name: "Значение", Type: onectest.Composite(onectest.String(10), onectest.Number(10, 2))}}},
			{Kind: onectest.InformationRegister, Name: "Курсы", Periodicity: onectest.PeriodSecond,
				Dimensions: []onectest.Attribute{{Name: "Валюта", Type: onectest.FixedString(3)}, {Name: "Владелец", Type: onectest.Ref(own1, own2)}},
				Resources:  []onectest.Attribute{{Name: "Курс", Type: onectest.NonNegative(10, 4)}}},
			{Kind: onectest.InformationRegister, Name: "Настройки",
				Dimensions: []onectest.Attribute{{Name: "Пользователь", Type: onectest.String(50)}, {Name: "Ключ", Type: onectest.String(50)}},
				Resources:  []onectest.Attribute{{Name: "Значение", Type: onectest.ValueStorage()}}},
			{Kind: onectest.Constant, Name: "ОсновнойВладелец", Type: onectest.Ref(own1)},
			{Kind: onectest.Constant, Name: "Смешанная", Type: onectest.Composite(onectest.String(10), onectest.Ref(own1, own2))},
			{Kind: onectest.ExchangePlan, Name: "Полный", NoDescription: true,
				Attributes: []onectest.Attribute{{Name: "Адрес", Type: onectest.String(100)}},
				Content:    []string{tree, bal, sub, per, flat, cnst, mix, "Документ.Приход"},
				Nodes:      []onectest.ExchangeNode{{Code: "А", ThisNode: true}, {Code: "Б"}}},
		},
	}
}

// builtLengths returns the code and description lengths onectest gives an
// object (defaults 9 and 25, 0 when switched off).
func builtLengths(o *onectest.Object) (code, desc int) {
	code, desc = o.CodeLength, o.DescriptionLength
	if code == 0 {
		code = 9
	}
	if desc == 0 {
		desc = 25
	}
	if o.NoCode {
		code = 0
	}
	if o.NoDescription {
		desc = 0
	}
	return code, desc
}
