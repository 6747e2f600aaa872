package onectest

import (
	"context"
	"fmt"
	"strings"
)

// Bulk generators. They build the rows inside PostgreSQL with
// INSERT … SELECT FROM generate_series, so a million rows take seconds and
// no data crosses the wire. Row n of an object has the _IDRRef RowID(object
// UUID, n), so references to other objects' generated rows are computed in
// SQL too: a reference attribute of row g points at row 1 + g mod count of
// the target (count = rows generated for it so far; the empty reference if
// none). Strings are Cyrillic, dates lie from 2024-01-01 on, composite
// attributes cycle through their parts (Undefined included).

var words = []string{"Молоко", "Хлеб", "Сыр", "Гвозди", "Доска", "Краска", "Цемент", "Кабель",
	"Лампа", "Розетка", "Труба", "Кран", "Шуруп", "Клей", "Плитка", "Ёмкость"}

func wordsSQL() string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = quoteLiteral(w)
	}
	return "(ARRAY[" + strings.Join(q, ",") + "])"
}

// GenOptions tunes the bulk generators.
type GenOptions struct {
	// Lines is the number of rows of every tabular section per object.
	Lines int
	// MarkEvery sets the deletion mark on every k-th row (0 = none).
	MarkEvery int
}

// Generate appends n generated rows to a catalog, document or exchange
// plan (with opts.Lines rows in each tabular section) and returns the
// number of the first new row (see Ref).
func (b *Built) Generate(ctx context.Context, db DB, fullName string, n int64, opts GenOptions) (int64, error) {
	ol, err := b.Object(fullName)
	if err != nil {
		return 0, err
	}
	o := ol.Object
	if o.Kind != Catalog && o.Kind != Document && o.Kind != ExchangePlan {
		return 0, fmt.Errorf("onectest: Generate: %s is not a catalog, document or exchange plan", fullName)
	}
	if n <= 0 {
		return 0, fmt.Errorf("onectest: Generate: row count %d", n)
	}
	start := b.generated[o]
	cols, exprs := []string{}, []string{}
	set := func(col, expr string) { cols, exprs = append(cols, strings.ToLower(col)), append(exprs, expr) }
	mark := "false"
	if opts.MarkEvery > 0 {
		mark = fmt.Sprintf("(g %% %d = 0)", opts.MarkEvery)
	}
	for _, c := range ol.Table.Columns {
		switch c.Name {
		case "_IDRRef":
			set(c.Name, rowIDSQL(ol.UUID, "g"))
		case "_Version", "_SentNo", "_ReceivedNo":
			set(c.Name, "0")
		case "_Marked":
			set(c.Name, mark)
		case "_Code", "_Number":
			if c.kind == colNumber {
				set(c.Name, "g")
			} else {
				set(c.Name, fmt.Sprintf("lpad(g::text, %d, '0')", c.length))
			}
		case "_Description":
			set(c.Name, fmt.Sprintf("left(%s[1 + g %% %d] || ' ' || g, %d)", wordsSQL(), len(words), c.length))
		case "_Date_Time":
			set(c.Name, "timestamp '2024-01-01' + g * interval '1 minute'")
		case "_NumberPrefix":
			set(c.Name, "date_trunc('year', timestamp '2024-01-01' + g * interval '1 minute')")
		case "_Posted":
			set(c.Name, "true")
		case "_Folder":
			set(c.Name, "true") // items, not groups
		}
	}
	for _, f := range ol.fields() {
		if err := b.fieldSQL(f, "g", set); err != nil {
			return 0, err
		}
	}
	for _, c := range ol.Table.Columns {
		if !contains(cols, c.PG()) && !c.Nullable {
			set(c.Name, fillerSQL(c))
		}
	}
	sql := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM generate_series(%d::bigint, %d::bigint) g",
		ol.Table.PG(), strings.Join(cols, ", "), strings.Join(exprs, ", "), start+1, start+n)
	if _, err := db.Exec(ctx, sql); err != nil {
		return 0, fmt.Errorf("onectest: generate %s: %w", fullName, err)
	}
	for _, ts := range o.TabularSections {
		if opts.Lines <= 0 {
			break
		}
		sl := ol.Sections[ts.Name]
		cols, exprs = nil, nil
		set(sl.OwnerKey, rowIDSQL(ol.UUID, "g"))
		set("_KeyField", "int4send(ln::int)")
		set(sl.LineNo, "ln")
		rowExpr := fmt.Sprintf("(g * %d + ln)", opts.Lines)
		for _, f := range sl.order {
			if err := b.fieldSQL(f, rowExpr, set); err != nil {
				return 0, err
			}
		}
		sql := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM generate_series(%d::bigint, %d::bigint) g, generate_series(1, %d) ln",
			sl.Table.PG(), strings.Join(cols, ", "), strings.Join(exprs, ", "), start+1, start+n, opts.Lines)
		if _, err := db.Exec(ctx, sql); err != nil {
			return 0, fmt.Errorf("onectest: generate %s.%s: %w", fullName, ts.Name, err)
		}
	}
	b.generated[o] = start + n
	return start + 1, nil
}

// GenerateRecords appends n generated records to a register. Records of
// recorder-subordinate registers are spread over the documents generated
// so far (which must exist); independent periodic registers get one
// period per record; duplicates of a non-periodic key are skipped.
func (b *Built) GenerateRecords(ctx context.Context, db DB, register string, n int64) error {
	ol, err := b.Object(register)
	if err != nil {
		return err
	}
	o := ol.Object
	if o.Kind != InformationRegister && o.Kind != AccumulationRegister {
		return fmt.Errorf("onectest: GenerateRecords: %s is not a register", register)
	}
	start := b.generated[o]
	var cols, exprs []string
	set := func(col, expr string) { cols, exprs = append(cols, strings.ToLower(col)), append(exprs, expr) }
	if ol.Table.Column("_RecorderRRef") != nil {
		recs := b.Config.recorders(o)
		doc := recs[0]
		count := b.generated[doc]
		if count == 0 {
			return fmt.Errorf("onectest: GenerateRecords: generate %s documents first", doc.FullName())
		}
		dl := b.byObject[doc]
		if ol.Table.Column("_RecorderTRef") != nil {
			set("_RecorderTRef", fmt.Sprintf("'\\x%08x'::bytea", dl.Code))
		}
		set("_RecorderRRef", rowIDSQL(dl.UUID, fmt.Sprintf("1 + (g - 1) %% %d", count)))
		set("_LineNo", fmt.Sprintf("1 + (g - 1) / %d", count))
		set("_Active", "true")
	}
	if ol.Table.Column("_Period") != nil {
		set("_Period", "timestamp '2024-01-01' + g * interval '1 second'")
	}
	if ol.Table.Column("_RecordKind") != nil {
		set("_RecordKind", "g % 2")
	}
	for _, f := range ol.fields() {
		if err := b.fieldSQL(f, "g", set); err != nil {
			return err
		}
	}
	for _, c := range ol.Table.Columns {
		if !contains(cols, c.PG()) && !c.Nullable {
			set(c.Name, fillerSQL(c))
		}
	}
	sql := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM generate_series(%d::bigint, %d::bigint) g ON CONFLICT DO NOTHING",
		ol.Table.PG(), strings.Join(cols, ", "), strings.Join(exprs, ", "), start+1, start+n)
	if _, err := db.Exec(ctx, sql); err != nil {
		return fmt.Errorf("onectest: generate %s: %w", register, err)
	}
	b.generated[o] = start + n
	return nil
}

// GenerateOutgoing appends n messages to РегистрСведений.ИсходящаяОчередь
// with НомерСообщения continuing from the last generated one, JSON bodies
// of about bodySize bytes, and keys cycling over 1,000 values. It returns
// the first new message number.
func (b *Built) GenerateOutgoing(ctx context.Context, db DB, n int64, bodySize int) (int64, error) {
	ol, err := b.Object(OutgoingQueue)
	if err != nil {
		return 0, err
	}
	start := b.generated[ol.Object]
	f := func(name string) string { return strings.ToLower(ol.Fields[name].Columns.Single) }
	pad := max(bodySize-60, 0)
	sql := fmt.Sprintf(`INSERT INTO %s (%s, %s, %s, %s, %s, %s)
		SELECT g, 'Номенклатура', 'key-' || (g %% 1000), '{"source":"1c"}',
		  '{"номер":' || g || ',"наименование":"Товар ' || g || '","данные":"' || repeat('ж', %d) || '"}',
		  timestamp '2024-01-01' + g * interval '1 second'
		FROM generate_series(%d::bigint, %d::bigint) g`,
		ol.Table.PG(), f("НомерСообщения"), f("ТипСообщения"), f("Ключ"), f("Заголовки"), f("Тело"), f("ДатаСоздания"),
		pad/2, start+1, start+n)
	if _, err := db.Exec(ctx, sql); err != nil {
		return 0, fmt.Errorf("onectest: generate outgoing queue: %w", err)
	}
	b.generated[ol.Object] = start + n
	return start + 1, nil
}

// RegisterAll registers a change of every current row of a catalog or
// document for a node (what the platform does when each object is
// written), skipping rows already registered for that node.
func (b *Built) RegisterAll(ctx context.Context, db DB, plan, nodeCode, fullName string) (int64, error) {
	ol, err := b.Object(fullName)
	if err != nil {
		return 0, err
	}
	pl, err := b.Object(plan)
	if err != nil {
		return 0, err
	}
	if ol.ChangeTable == nil || !b.inContent(pl, ol) || ol.Table.Column("_IDRRef") == nil || ol.Object.Kind == Enum {
		return 0, fmt.Errorf("onectest: RegisterAll: %s is not a catalog or document in %s", fullName, plan)
	}
	node, err := b.NodeRef(plan, nodeCode)
	if err != nil {
		return 0, err
	}
	tag, err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (_nodetref, _noderref, _messageno, _idrref)
		SELECT $1, $2, NULL, _idrref FROM %s ON CONFLICT DO NOTHING`, ol.ChangeTable.PG(), ol.Table.PG()), typeCode(pl.Code), node)
	if err != nil {
		return 0, fmt.Errorf("onectest: register changes of %s: %w", fullName, err)
	}
	return tag.RowsAffected(), nil
}

// fieldSQL adds the column expressions of a generated field value for the
// row-number SQL expression g.
func (b *Built) fieldSQL(f *FieldLayout, g string, set func(col, expr string)) error {
	t := f.Attribute.Type
	fc := f.Columns
	str := func() string {
		e := fmt.Sprintf("%s[1 + %s %% %d] || ' ' || %s", wordsSQL(), g, len(words), g)
		if t.Length > 0 {
			return fmt.Sprintf("left(%s, %d)", e, t.Length)
		}
		return fmt.Sprintf("%s || ' ' || repeat('текст ', (%s %% 10)::int)", e, g)
	}
	num := func() string {
		m := int64(1)
		for range min(t.Precision-t.Scale, 9) {
			m *= 10
		}
		if t.Scale == 0 {
			return fmt.Sprintf("((%s) %% %d)", g, m)
		}
		return fmt.Sprintf("(((%s) %% %d) + ((%s) %% 100) / 100.0)", g, m, g)
	}
	date := func() string {
		if t.Dates == DateOnly {
			return fmt.Sprintf("date_trunc('day', timestamp '2024-01-01' + (%s) * interval '1 minute')", g)
		}
		return fmt.Sprintf("timestamp '2024-01-01' + (%s) * interval '1 minute'", g)
	}
	ref := func(target string) (string, error) {
		tl, err := b.Object(target)
		if err != nil {
			return "", err
		}
		if tl.Object.Kind == Enum {
			var vals []string
			for _, v := range tl.EnumValues {
				id, _ := dbUUID(v)
				vals = append(vals, fmt.Sprintf("'\\x%x'::bytea", id))
			}
			return fmt.Sprintf("(ARRAY[%s])[1 + (%s) %% %d]", strings.Join(vals, ","), g, len(vals)), nil
		}
		if c := b.generated[tl.Object]; c > 0 {
			return rowIDSQL(tl.UUID, fmt.Sprintf("1 + (%s) %% %d", g, c)), nil
		}
		return "'\\x00000000000000000000000000000000'::bytea", nil
	}
	if fc.Single != "" {
		var e string
		switch {
		case len(t.Refs) == 1:
			r, err := ref(t.Refs[0])
			if err != nil {
				return err
			}
			e = r
		case t.Boolean:
			e = fmt.Sprintf("((%s) %% 2 = 0)", g)
		case t.Number:
			e = num()
		case t.Dates != NoDate:
			e = date()
		case t.String:
			e = str()
		default:
			e = fmt.Sprintf("decode(md5((%s)::text), 'hex')", g)
		}
		set(fc.Single, e)
		return nil
	}
	// Composite: part k of the cycle (0 = Undefined).
	type part struct {
		tag  byte
		col  string
		expr string
	}
	parts := []part{{tag: 1}}
	if fc.L != "" {
		parts = append(parts, part{2, fc.L, fmt.Sprintf("((%s) %% 2 = 0)", g)})
	}
	if fc.N != "" {
		parts = append(parts, part{3, fc.N, num()})
	}
	if fc.T != "" {
		parts = append(parts, part{4, fc.T, date()})
	}
	if fc.S != "" {
		parts = append(parts, part{5, fc.S, str()})
	}
	refStart := len(parts)
	for _, r := range t.Refs {
		e, err := ref(r)
		if err != nil {
			return err
		}
		parts = append(parts, part{8, fc.RRRef, e})
	}
	k := len(parts)
	sel := fmt.Sprintf("((%s) %% %d)", g, k)
	var tag strings.Builder
	tag.WriteString("CASE " + sel)
	for i, p := range parts {
		fmt.Fprintf(&tag, " WHEN %d THEN '\\x%02x'::bytea", i, p.tag)
	}
	tag.WriteString(" END")
	set(fc.Type, tag.String())
	byCol := map[string][]string{}
	var order []string
	for i, p := range parts {
		if p.col == "" {
			continue
		}
		if _, ok := byCol[p.col]; !ok {
			order = append(order, p.col)
		}
		byCol[p.col] = append(byCol[p.col], fmt.Sprintf("WHEN %d THEN %s", i, p.expr))
	}
	cols := map[string]*Column{}
	_, cl := fieldColumns("x", t, false)
	for i, n := range fc.names() {
		cols[n] = cl[i]
	}
	for _, col := range order {
		set(col, fmt.Sprintf("CASE %s %s ELSE %s END", sel, strings.Join(byCol[col], " "), fillerSQL(cols[col])))
	}
	if fc.RTRef != "" {
		var w []string
		for i, r := range t.Refs {
			tl, _ := b.Object(r)
			w = append(w, fmt.Sprintf("WHEN %d THEN '\\x%08x'::bytea", refStart+i, tl.Code))
		}
		set(fc.RTRef, fmt.Sprintf("CASE %s %s ELSE '\\x00000000'::bytea END", sel, strings.Join(w, " ")))
	}
	return nil
}

// fillerSQL is the SQL literal of a column's empty value.
func fillerSQL(c *Column) string {
	switch c.kind {
	case colRef, colTRef, colKey, colTag:
		if c.kind == colTag {
			return "'\\x01'::bytea"
		}
		return "'\\x" + strings.Repeat("00", c.length) + "'::bytea"
	case colBool:
		return "false"
	case colVersion, colNumber:
		return "0"
	case colString:
		return "''"
	case colDate:
		return "timestamp '0001-01-01 00:00:00'"
	default:
		return "''::bytea"
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
