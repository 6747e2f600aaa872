package queuesource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
)

const compositeQueue = "РегистрСведений.ОчередьОбъектов"

// compositeConfig is a configuration whose queue register has fields of
// composite type (Объект: a string, a number, an item or an order;
// Метка: a string or a number), an enum reference and a catalog reference.
func compositeConfig() *onectest.Configuration {
	const items, orders, prio = "Справочник.Товары", "Документ.Заказ", "Перечисление.Приоритеты"
	return &onectest.Configuration{Name: "Композит", CompatibilityVersion: "8.3.23", Objects: []*onectest.Object{
		{Kind: onectest.Enum, Name: "Приоритеты", EnumValues: []string{"Низкий", "Высокий"}},
		{Kind: onectest.Catalog, Name: "Товары", CodeLength: 9, DescriptionLength: 50},
		{Kind: onectest.Document, Name: "Заказ", NumberLength: 11},
		{Kind: onectest.InformationRegister, Name: "ОчередьОбъектов",
			Dimensions: []onectest.Attribute{{Name: "НомерСообщения", Type: onectest.NonNegative(19, 0)}},
			Resources: []onectest.Attribute{
				{Name: "Объект", Type: onectest.Composite(onectest.String(20), onectest.Number(15, 2), onectest.Ref(items), onectest.Ref(orders))},
				{Name: "Метка", Type: onectest.Composite(onectest.String(10), onectest.Number(10, 0))},
				{Name: "Приоритет", Type: onectest.Ref(prio)},
				{Name: "Товар", Type: onectest.Ref(items)},
				{Name: "Тело", Type: onectest.String(0)},
				{Name: "Создано", Type: onectest.DateTime()},
			}},
	}}
}

// compositeDB is compositeConfig built in a fresh database.
type compositeDB struct {
	conn  *pgx.Conn
	url   string
	built *onectest.Built
	table string
	props map[string]string
}

func newCompositeDB(t *testing.T) *compositeDB {
	t.Helper()
	_, conn, built, dbURL := pgtest.Build(t, compositeConfig(), time.Minute)
	ol, err := built.Object(compositeQueue)
	if err != nil {
		t.Fatal(err)
	}
	props, err := onectest.ConnectorDBProps(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{KeyRegister: compositeQueue, KeyTopic: "objects", KeyBatchSize: "4", KeyPollInterval: "10",
		"metadata.refresh.interval.ms": "0"} {
		props[k] = v
	}
	return &compositeDB{conn: conn, url: dbURL, built: built, table: ol.Table.PG(), props: props}
}

// column returns the PostgreSQL name of a column of the queue's field.
func (c *compositeDB) column(t *testing.T, field string, part func(onectest.FieldColumns) string) string {
	t.Helper()
	ol, err := c.built.Object(compositeQueue)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := ol.Fields[field]
	if !ok {
		t.Fatalf("no field %s", field)
	}
	return strings.ToLower(part(f.Columns))
}

// want is what a row's composite field must map to: null, or an
// onec.Composite of the type and value (nil: a null value).
type want struct {
	typ   string
	value any
	null  bool
}

func (w want) check(t *testing.T, what string, v any) {
	t.Helper()
	if w.null {
		if v != nil {
			t.Errorf("%s = %v, want null", what, v)
		}
		return
	}
	st, ok := v.(*schema.Struct)
	if !ok || st.Schema().Name() != metadata.CompositeSchemaName {
		t.Errorf("%s = %v (%T), want an %s", what, v, v, metadata.CompositeSchemaName)
		return
	}
	if st.At(0) != w.typ || st.At(1) != w.value {
		t.Errorf("%s = {%v, %v}, want {%s, %v}", what, st.At(0), st.At(1), w.typ, w.value)
	}
}

// fillComposite writes one row per variant of Объект and returns what
// each must map to, by number; a second value per row is Метка's.
func fillComposite(t *testing.T, c *compositeDB) (objects, labels map[int64]want, prios map[int64]any, items map[int64]any) {
	t.Helper()
	ctx := context.Background()
	item, err := c.built.Ref("Справочник.Товары", 1)
	if err != nil {
		t.Fatal(err)
	}
	order, err := c.built.Ref("Документ.Заказ", 2)
	if err != nil {
		t.Fatal(err)
	}
	high, err := c.built.EnumValue("Перечисление.Приоритеты", "Высокий")
	if err != nil {
		t.Fatal(err)
	}
	id := func(r onectest.Reference) string { return uuid1c.FromDB([16]byte(r.ID)).String() }
	created := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	rows := []struct {
		obj, label any
		o, l       want
	}{
		{nil, "А-1", want{typ: "Undefined"}, want{typ: "String", value: "А-1"}},
		{"договор №7", onectest.Decimal("42"), want{typ: "String", value: "договор №7"}, want{typ: "Number", value: "42"}},
		{onectest.Decimal("12.5"), nil, want{typ: "Number", value: "12.50"}, want{typ: "Undefined"}},
		{item, "", want{typ: "Catalog.Товары", value: id(item)}, want{typ: "String", value: ""}},
		{order, int64(-3), want{typ: "Document.Заказ", value: id(order)}, want{typ: "Number", value: "-3"}},
		{"", onectest.Decimal("0"), want{null: true}, want{typ: "Number", value: "0"}}, // Объект's _TYPE set to NULL below
	}
	objects, labels, prios, items = map[int64]want{}, map[int64]want{}, map[int64]any{}, map[int64]any{}
	var recs []onectest.Row
	for i, r := range rows {
		n := int64(i + 1)
		row := onectest.Row{"НомерСообщения": n, "Объект": r.obj, "Метка": r.label, "Тело": fmt.Sprintf("body-%d", n), "Создано": created}
		prios[n], items[n] = nil, nil
		if n%2 == 0 {
			row["Приоритет"], row["Товар"] = high, item
			prios[n], items[n] = "Высокий", id(item)
		}
		recs = append(recs, row)
		objects[n], labels[n] = r.o, r.l
	}
	if err := c.built.InsertRecords(ctx, c.conn, compositeQueue, recs); err != nil {
		t.Fatal(err)
	}
	// A NULL _TYPE (nullable composite columns) maps to null.
	typ := c.column(t, "Объект", func(fc onectest.FieldColumns) string { return fc.Type })
	num := c.column(t, "НомерСообщения", func(fc onectest.FieldColumns) string { return fc.Single })
	for _, q := range []string{
		"ALTER TABLE " + c.table + " ALTER COLUMN " + typ + " DROP NOT NULL",
		"UPDATE " + c.table + " SET " + typ + " = NULL WHERE " + num + " = 6",
	} {
		if _, err := c.conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return objects, labels, prios, items
}

// pollAll polls task until it returned n records, acknowledging each.
func pollAll(t *testing.T, task *Task, n int) []*connect.SourceRecord {
	t.Helper()
	ctx := context.Background()
	var out []*connect.SourceRecord
	deadline := time.Now().Add(20 * time.Second)
	for len(out) < n && time.Now().Before(deadline) {
		recs, err := task.Poll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			_ = task.CommitRecord(ctx, r, &connect.RecordMetadata{})
		}
		out = append(out, recs...)
	}
	if len(out) != n {
		t.Fatalf("%d records, want %d", len(out), n)
	}
	return out
}

// TestCompositeFields: a register with composite resources (undefined,
// string, number, catalog and document references, a NULL _TYPE), an enum
// reference and a catalog reference delivers them as rowmap maps them, in
// both modes, as the whole row and as value.field, with key.field and a
// header on composite fields.
func TestCompositeFields(t *testing.T) {
	for _, mode := range []string{ModeDelete, ModeOffset} {
		for _, shape := range []string{"row", "value.field"} {
			t.Run(mode+"/"+shape, func(t *testing.T) {
				c := newCompositeDB(t)
				objects, labels, prios, items := fillComposite(t, c)
				props := map[string]string{KeyMode: mode, KeyKeyField: "Объект", KeyHeadersFields: "Метка,Приоритет", KeyTimestampField: "Создано"}
				if shape == "value.field" {
					props[KeyValueField] = "Объект"
				}
				for k, v := range c.props {
					props[k] = v
				}
				task := &Task{}
				ctx := context.Background()
				if err := task.Start(ctx, &connecttest.SourceContext{}, props); err != nil {
					t.Fatal(err)
				}
				defer task.Stop(ctx)
				recs := pollAll(t, task, len(objects))
				for i, rec := range recs {
					n := int64(i + 1)
					if rec.SourceOffset[OffsetNumber] != n {
						t.Fatalf("record %d has offset %v", i, rec.SourceOffset)
					}
					what := fmt.Sprintf("row %d", n)
					objects[n].check(t, what+" key", rec.Key)
					if rec.KeySchema.Name() != metadata.CompositeSchemaName || !rec.KeySchema.Optional() {
						t.Errorf("%s: key schema %s", what, rec.KeySchema.Describe())
					}
					if len(rec.Headers) != 2 {
						t.Fatalf("%s: headers %v", what, rec.Headers)
					}
					labels[n].check(t, what+" header Метка", rec.Headers[0].Value)
					if rec.Headers[0].Key != "Метка" || rec.Headers[1].Key != "Приоритет" || rec.Headers[1].Value != prios[n] {
						t.Errorf("%s: headers %v", what, rec.Headers)
					}
					if !rec.Timestamp.Equal(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)) {
						t.Errorf("%s: timestamp %v", what, rec.Timestamp)
					}
					if shape == "value.field" {
						objects[n].check(t, what+" value", rec.Value)
						if rec.ValueSchema.Name() != metadata.CompositeSchemaName {
							t.Errorf("%s: value schema %s", what, rec.ValueSchema.Describe())
						}
						continue
					}
					st, ok := rec.Value.(*schema.Struct)
					if !ok {
						t.Fatalf("%s: value %T", what, rec.Value)
					}
					if err := st.Validate(); err != nil {
						t.Errorf("%s: %v", what, err)
					}
					if st.Schema() != rec.ValueSchema || rec.ValueSchema.Name() != "onec.InformationRegister.ОчередьОбъектов" {
						t.Errorf("%s: value schema %s", what, rec.ValueSchema.Name())
					}
					get := func(name string) any {
						v, ok := st.Get(name)
						if !ok {
							t.Fatalf("%s: no field %s in %s", what, name, st)
						}
						return v
					}
					objects[n].check(t, what+" Объект", get("Объект"))
					labels[n].check(t, what+" Метка", get("Метка"))
					if get("Приоритет") != prios[n] || get("Товар") != items[n] || get("Тело") != fmt.Sprintf("body-%d", n) {
						t.Errorf("%s: Приоритет %v, Товар %v, Тело %v", what, get("Приоритет"), get("Товар"), get("Тело"))
					}
					if d, ok := get("НомерСообщения").(interface{ IntPart() int64 }); !ok || d.IntPart() != n {
						t.Errorf("%s: НомерСообщения %v", what, get("НомерСообщения"))
					}
				}
				if mode == ModeDelete {
					if _, err := task.Poll(ctx); err != nil { // commits the last batch
						t.Fatal(err)
					}
					var left int
					if err := c.conn.QueryRow(ctx, "SELECT count(*) FROM "+c.table).Scan(&left); err != nil || left != 0 {
						t.Fatalf("%d rows left (%v)", left, err)
					}
				}
			})
		}
	}
}

// TestUnmappedRowChecksMetadata: a row that does not map (an enum
// reference the snapshot does not know) makes the task check the 1C
// configuration before calling the row malformed, even with the periodic
// check off: after a change it reloads and reads the row again; when the
// row still does not map it is a *RowError naming it.
func TestUnmappedRowChecksMetadata(t *testing.T) {
	c := newCompositeDB(t)
	ctx := context.Background()
	good := onectest.Row{"НомерСообщения": int64(1), "Тело": "ok"}
	if err := c.built.InsertRecords(ctx, c.conn, compositeQueue, []onectest.Row{good}); err != nil {
		t.Fatal(err)
	}
	props := map[string]string{KeyMode: ModeOffset}
	for k, v := range c.props {
		props[k] = v
	}
	task := &Task{}
	if err := task.Start(ctx, &connecttest.SourceContext{}, props); err != nil {
		t.Fatal(err)
	}
	defer task.Stop(ctx)
	pollAll(t, task, 1)
	// The configuration changes (the periodic check is off), then a row
	// with an unknown enum value comes.
	if err := c.built.AddAttribute(ctx, c.conn, compositeQueue, onectest.Attribute{Name: "Источник", Type: onectest.String(20)}); err != nil {
		t.Fatal(err)
	}
	bad := onectest.Row{"НомерСообщения": int64(2), "Тело": "bad",
		"Приоритет": onectest.Reference{Object: "Перечисление.Приоритеты", ID: []byte("0123456789abcdef")}}
	if err := c.built.InsertRecords(ctx, c.conn, compositeQueue, []onectest.Row{bad}); err != nil {
		t.Fatal(err)
	}
	old := task.plan
	recs, err := task.Poll(ctx)
	if err != nil || len(recs) != 0 {
		t.Fatalf("first Poll after the change: %d records, %v; want none while the metadata reloads", len(recs), err)
	}
	if task.plan == old || task.plan.ib != task.cat.Snapshot() {
		t.Fatal("the plan was not reloaded after the row did not map")
	}
	if _, ok := task.plan.om.Schema().Field("Источник"); !ok {
		t.Fatal("the reloaded plan lacks the new attribute")
	}
	_, err = task.Poll(ctx)
	var re *RowError
	if !errors.As(err, &re) || re.Number != "2" || !errors.Is(err, ErrMalformedRow) || !strings.Contains(err.Error(), "Приоритет") {
		t.Fatalf("second Poll: %v, want a RowError for row 2 naming Приоритет", err)
	}
}

// TestResolveComposite: which configured fields may be composite, and the
// messages for those that may not.
func TestResolveComposite(t *testing.T) {
	ib := memInfobaseOf(t, compositeConfig(), metadata.DBMSPostgres)
	base := map[string]string{KeyRegister: compositeQueue, KeyOrderBy: "<unset>"}
	tests := []struct {
		name  string
		extra map[string]string
		want  map[string]string // key → message fragment; empty = valid
	}{
		{name: "whole row, key and headers composite", extra: map[string]string{KeyKeyField: "Объект", KeyHeadersFields: "Метка"}},
		{name: "value composite", extra: map[string]string{KeyValueField: "Объект", KeyKeyField: "Метка"}},
		{name: "enum topic", extra: map[string]string{KeyTopic: "<unset>", KeyTopicField: "Приоритет"}},
		{name: "order.by composite", extra: map[string]string{KeyOrderBy: "Объект"},
			want: map[string]string{KeyOrderBy: "composite"}},
		{name: "topic composite", extra: map[string]string{KeyTopic: "<unset>", KeyTopicField: "Метка"},
			want: map[string]string{KeyTopicField: "composite type"}},
		{name: "split composite", extra: map[string]string{KeySplitField: "Метка", KeySplitValues: "a"},
			want: map[string]string{KeySplitField: "composite type"}},
		{name: "split reference", extra: map[string]string{KeySplitField: "Товар", KeySplitValues: "a"},
			want: map[string]string{KeySplitField: "needs a Строка or Число field"}},
		{name: "timestamp and json headers composite", extra: map[string]string{KeyTimestampField: "Объект", KeyHeadersJSONField: "Метка"},
			want: map[string]string{KeyTimestampField: "not a date", KeyHeadersJSONField: "not a string"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			extra := map[string]string{}
			for k, v := range base {
				extra[k] = v
			}
			for k, v := range tt.extra {
				extra[k] = v
			}
			cfg, err := ParseConfig(baseProps(extra))
			if err != nil {
				t.Fatal(err)
			}
			p, err := resolve(ib, dialect.Postgres(), cfg)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if p.orderCol.Kind != dialect.Numeric || p.table.Columns[p.orderRaw] != p.orderCol {
					t.Fatalf("order column %+v at %d", p.orderCol, p.orderRaw)
				}
				return
			}
			checkValidation(t, err, tt.want)
		})
	}
}
