package tablesource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/mssqltest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// The SQL Server tests drive the Task directly, as the PostgreSQL resume
// tests do, against onectest.Trade built on the SQL Server named by
// ONEC_TEST_MSSQL_URL; without it they skip. No SQL Server can run on the
// project's machines, so they were written against the SQL the connector
// issues there: pages by SELECT TOP (@p1) … WHERE _IDRRef > @p2 ORDER BY
// _IDRRef, tabular sections by … IN (@p…), changed rows by SELECT TOP (@p1)
// … WHERE _Version > @p2 AND _Version < @p3 ORDER BY _Version under
// CAST(MIN_ACTIVE_ROWVERSION() AS binary(8)).

const (
	msCatalog  = "Справочник.Номенклатура"
	msDocument = "Документ.РеализацияТоваровУслуг"
)

// mssqlTrade builds onectest.Trade in a fresh SQL Server database and
// returns the connector's database properties for it.
func mssqlTrade(t *testing.T) (context.Context, *sql.DB, *onectest.SQLServerBuilt, map[string]string) {
	t.Helper()
	ctx, db, b, dsn := mssqltest.Build(t, onectest.Trade(), 5*time.Minute)
	return ctx, db, b, connProps(t, dsn)
}

// msItems inserts n catalog items named Товар 1 … Товар n.
func msItems(t *testing.T, ctx context.Context, db *sql.DB, b *onectest.SQLServerBuilt, n int) []onectest.Reference {
	t.Helper()
	items := make([]onectest.Reference, n)
	for i := range items {
		var err error
		items[i], err = b.InsertObject(ctx, db, msCatalog, onectest.Row{"Наименование": fmt.Sprintf("Товар %d", i+1)}, nil)
		must(t, err)
	}
	return items
}

func msStartTask(t *testing.T, tctx *fakeTaskContext, props map[string]string) *Task {
	t.Helper()
	tk := &Task{}
	must(t, tk.Start(t.Context(), tctx, props))
	t.Cleanup(func() { tk.Stop(context.Background()) })
	return tk
}

// msPollFor polls until want records came or timeout passed, storing the
// offsets of every record returned (as the worker does once Kafka
// acknowledged them).
func msPollFor(t *testing.T, tk *Task, tctx *fakeTaskContext, want int, timeout time.Duration) []*connect.SourceRecord {
	t.Helper()
	var out []*connect.SourceRecord
	deadline := time.Now().Add(timeout)
	for len(out) < want && time.Now().Before(deadline) {
		recs, err := tk.Poll(t.Context())
		must(t, err)
		tctx.commit(recs)
		out = append(out, recs...)
	}
	return out
}

func msUUID(t *testing.T, r onectest.Reference) string {
	t.Helper()
	s, err := uuid1c.UUIDFromBinary1C(r.ID)
	must(t, err)
	return s
}

func msRef(t *testing.T, r *connect.SourceRecord) string {
	t.Helper()
	v, _ := r.Key.(*schema.Struct).Get("Ссылка")
	s, _ := v.(string)
	return s
}

// TestSQLServerTableSnapshot reads 25 catalog items in pages of 10: the
// first task acknowledges one page, reads a second that is lost with it,
// and stops; the next resumes after the acknowledged page's last key and
// reads exactly the 15 items left. Values arrive mapped (fixed strings
// trimmed, enums by name, numbers as decimals, ВерсияДанных from the
// rowversion).
func TestSQLServerTableSnapshot(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	vat, err := b.EnumValue("Перечисление.СтавкиНДС", "НДС10")
	must(t, err)
	const rows = 25
	names := map[string]string{}
	for i := 1; i <= rows; i++ {
		ref, err := b.InsertObject(ctx, db, msCatalog, onectest.Row{"Наименование": fmt.Sprintf("Товар %02d", i),
			"ЕдиницаИзмерения": "кг", "СтавкаНДС": vat, "Вес": onectest.Decimal("0.500"), "Описание": "Описание товара"}, nil)
		must(t, err)
		names[msUUID(t, ref)] = fmt.Sprintf("Товар %02d", i)
	}
	props[KeyObjects] = "Catalog.Номенклатура"
	props[KeyBatchSize] = "10"
	tctx := &fakeTaskContext{}
	seen := map[string]int{}

	tk1 := msStartTask(t, tctx, props)
	page := msPollFor(t, tk1, tctx, 1, time.Minute)
	if len(page) != 10 {
		t.Fatalf("first page: %d records, want 10", len(page))
	}
	for _, r := range page {
		key := msRef(t, r)
		seen[key]++
		v, _ := r.Value.(*schema.Struct)
		schematest.CheckFields(t, "item "+key, v, map[string]any{"Ссылка": key, "Наименование": names[key], "ЕдиницаИзмерения": "кг",
			"СтавкаНДС": "НДС10", "Вес": decimal.RequireFromString("0.5"), "Описание": "Описание товара", "Услуга": false})
		ver, _ := v.Get("ВерсияДанных")
		if n, ok := ver.(int64); !ok || n <= 0 {
			t.Errorf("item %s: ВерсияДанных %v, want the row's rowversion", key, ver)
		}
	}
	lost, err := tk1.Poll(ctx) // in flight when the task dies: never acknowledged
	must(t, err)
	must(t, tk1.Stop(ctx))
	t.Logf("first run: %d records acknowledged, %d lost", len(page), len(lost))

	tk2 := msStartTask(t, tctx, props)
	second := runUntil(t, tk2, tctx, rows, seen)
	if second != rows-10 {
		t.Errorf("the second run read %d records, want the %d after the acknowledged page", second, rows-10)
	}
	if len(seen) != rows {
		t.Errorf("%d distinct items delivered, want %d", len(seen), rows)
	}
	for key, n := range seen {
		if n != 1 {
			t.Errorf("item %s delivered %d times, want once", key, n)
		}
		if names[key] == "" {
			t.Errorf("unknown item %s delivered", key)
		}
	}
	if st := tctx.stored("Справочник.Номенклатура"); st[OffsetDone] != true {
		t.Errorf("stored offset after the pass: %v, want done", st)
	}
}

// TestSQLServerTableIncremental runs mode=incremental: the first pass
// sends every item and the document (dates without the year offset,
// tabular section rows in order); afterwards only rows whose _Version
// grew arrive, once each, with their sections read again; a restarted task
// resumes from the stored version instead of taking a new snapshot.
func TestSQLServerTableIncremental(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	items := msItems(t, ctx, db, b, 3)
	docDate := time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)
	doc, err := b.InsertObject(ctx, db, msDocument, onectest.Row{"Дата": docDate, "_NumberPrefix": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		"Номер": "ТД-0000007", "Проведен": true, "Комментарий": "до изменения", "СуммаДокумента": onectest.Decimal("30.00")},
		map[string][]onectest.Row{"Товары": {
			{"Номенклатура": items[0], "Количество": onectest.Decimal("1.000"), "Цена": onectest.Decimal("10.00"), "Сумма": onectest.Decimal("10.00")},
			{"Номенклатура": items[2], "Количество": onectest.Decimal("2.000"), "Цена": onectest.Decimal("10.00"), "Сумма": onectest.Decimal("20.00")},
		}})
	must(t, err)
	catTable, err := b.Object(msCatalog)
	must(t, err)
	docTable, err := b.Object(msDocument)
	must(t, err)
	comment := docTable.Fields["Комментарий"].Columns.Single

	props[KeyObjects] = msCatalog + ", " + msDocument
	props[KeyMode] = ModeIncremental
	props[KeyBatchSize] = "2"
	props[KeyPollInterval] = "10"
	props[KeySettle] = "0"
	tctx := &fakeTaskContext{}
	tk := msStartTask(t, tctx, props)

	checkDoc := func(what string, r *connect.SourceRecord, comment string) {
		t.Helper()
		v, _ := r.Value.(*schema.Struct)
		schematest.CheckFields(t, what, v, map[string]any{"Дата": docDate, "Номер": "ТД-0000007", "Проведен": true, "Комментарий": comment,
			"ПериодНомера": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
		if v == nil {
			return
		}
		lines, _ := v.Get("Товары")
		ls, _ := lines.([]any)
		if len(ls) != 2 {
			t.Fatalf("%s: %d Товары rows, want 2", what, len(ls))
		}
		for i, it := range []onectest.Reference{items[0], items[2]} {
			row, _ := ls[i].(*schema.Struct)
			schematest.CheckFields(t, fmt.Sprintf("%s.Товары[%d]", what, i), row, map[string]any{"НомерСтроки": decimal.NewFromInt(int64(i + 1)),
				"Номенклатура": msUUID(t, it), "Количество": decimal.NewFromInt(int64(i + 1))})
		}
	}

	snap := msPollFor(t, tk, tctx, len(items)+1, time.Minute)
	byKey := map[string]*connect.SourceRecord{}
	for _, r := range snap {
		byKey[msRef(t, r)] = r
	}
	if len(snap) != len(items)+1 || len(byKey) != len(items)+1 {
		t.Fatalf("first pass: %d records for %d keys, want %d", len(snap), len(byKey), len(items)+1)
	}
	if r := byKey[msUUID(t, doc)]; r != nil {
		checkDoc("document", r, "до изменения")
	} else {
		t.Errorf("the document is missing from the first pass")
	}
	if extra := msPollFor(t, tk, tctx, 1, time.Second); len(extra) != 0 {
		t.Fatalf("%d records without any change after the first pass, want none", len(extra))
	}

	// Changes in 1C: the rowversion of both rows grows.
	_, err = db.ExecContext(ctx, "UPDATE "+catTable.Table.Name+" SET _Description = @p1 WHERE _IDRRef = @p2", "Товар 2 (изменён)", items[1].ID)
	must(t, err)
	_, err = db.ExecContext(ctx, "UPDATE "+docTable.Table.Name+" SET "+comment+" = @p1 WHERE _IDRRef = @p2", "после изменения", doc.ID)
	must(t, err)
	changed := msPollFor(t, tk, tctx, 2, 30*time.Second)
	if len(changed) != 2 {
		t.Fatalf("after two updates: %d records, want 2", len(changed))
	}
	for _, r := range changed {
		switch key := msRef(t, r); key {
		case msUUID(t, items[1]):
			v, _ := r.Value.(*schema.Struct)
			schematest.CheckFields(t, "updated item", v, map[string]any{"Наименование": "Товар 2 (изменён)"})
		case msUUID(t, doc):
			checkDoc("updated document", r, "после изменения")
		default:
			t.Errorf("record for %s, which did not change", key)
		}
		if off := r.SourceOffset; off[OffsetDone] != true || off[OffsetVersion] == nil {
			t.Errorf("offset of a changed row: %v, want done with its version", off)
		}
	}
	if extra := msPollFor(t, tk, tctx, 1, time.Second); len(extra) != 0 {
		t.Fatalf("%d records after the changed rows were delivered, want none", len(extra))
	}
	must(t, tk.Stop(ctx))

	// A restart resumes from the stored versions: no new pass, only the
	// next change.
	tk2 := msStartTask(t, tctx, props)
	if extra := msPollFor(t, tk2, tctx, 1, 2*time.Second); len(extra) != 0 {
		t.Fatalf("after a restart without changes: %d records, want none", len(extra))
	}
	_, err = db.ExecContext(ctx, "UPDATE "+catTable.Table.Name+" SET _Description = @p1 WHERE _IDRRef = @p2", "Товар 3 (изменён)", items[2].ID)
	must(t, err)
	after := msPollFor(t, tk2, tctx, 1, 30*time.Second)
	if len(after) != 1 || msRef(t, after[0]) != msUUID(t, items[2]) {
		t.Fatalf("after the restart and an update: %d records, want item 3", len(after))
	}
	v, _ := after[0].Value.(*schema.Struct)
	schematest.CheckFields(t, "item 3", v, map[string]any{"Наименование": "Товар 3 (изменён)"})
}

// TestSQLServerReadIsolation: in a database without snapshot isolation
// the task reads at READ COMMITTED and warns once how to turn it on; once
// ALLOW_SNAPSHOT_ISOLATION is ON, a new task reads each page (the document
// and its Товары rows) in a SNAPSHOT transaction, without the warning.
func TestSQLServerReadIsolation(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	item, err := b.InsertObject(ctx, db, msCatalog, onectest.Row{"Наименование": "Товар"}, nil)
	must(t, err)
	doc, err := b.InsertObject(ctx, db, msDocument, onectest.Row{"Дата": time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), "Номер": "ТД-0000001"},
		map[string][]onectest.Row{"Товары": {
			{"Номенклатура": item, "Количество": onectest.Decimal("1.000")},
			{"Номенклатура": item, "Количество": onectest.Decimal("2.000")},
		}})
	must(t, err)
	props[KeyObjects] = msDocument

	run := func(wantSet string, wantWarning bool) {
		t.Helper()
		tctx := &fakeTaskContext{logs: &connecttest.LogBuffer{}}
		tk := msStartTask(t, tctx, props)
		must(t, tk.open(ctx))
		if tk.reads.iso.current() != wantSet {
			t.Errorf("read transactions set %q, want %q", tk.reads.iso.current(), wantSet)
		}
		if warned := strings.Contains(tctx.logs.String(), "SET ALLOW_SNAPSHOT_ISOLATION ON"); warned != wantWarning {
			t.Errorf("warning logged: %v, want %v; log:\n%s", warned, wantWarning, tctx.logs.String())
		}
		tx, err := tk.reads.start(ctx)
		must(t, err)
		row, err := queryRows(ctx, tx.Querier(), []dialect.Stmt{{SQL: "SELECT CAST(transaction_isolation_level AS int) FROM sys.dm_exec_sessions WHERE session_id = @@SPID"}}, 1)
		must(t, err)
		must(t, tx.Commit(ctx))
		level := map[string]int64{"": 2, setSnapshot: 5}[wantSet] // READ COMMITTED, SNAPSHOT
		if len(row) != 1 || row[0][0] != level {
			t.Errorf("transaction_isolation_level %v, want %d", row, level)
		}
		recs := msPollFor(t, tk, tctx, 1, time.Minute)
		if len(recs) != 1 || msRef(t, recs[0]) != msUUID(t, doc) {
			t.Fatalf("%d records, want the document", len(recs))
		}
		v, _ := recs[0].Value.(*schema.Struct)
		lines, _ := v.Get("Товары")
		if ls, _ := lines.([]any); len(ls) != 2 {
			t.Errorf("document Товары: %d rows, want 2", len(ls))
		}
		must(t, tk.Stop(ctx))
	}
	run("", true)
	_, err = db.ExecContext(ctx, "ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON")
	must(t, err)
	run(setSnapshot, false)
}

// TestSQLServerSnapshotThenIncremental switches a connector from
// mode=snapshot to mode=incremental: the offset of the snapshot pass has
// no row version (-1), so the incremental task reads every item once more
// and then sees a change, instead of reading _Version > 0xFF…FF (nothing)
// forever.
func TestSQLServerSnapshotThenIncremental(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	items := msItems(t, ctx, db, b, 3)
	catTable, err := b.Object(msCatalog)
	must(t, err)
	props[KeyObjects] = msCatalog
	tctx := &fakeTaskContext{}
	tk := msStartTask(t, tctx, props)
	if snap := msPollFor(t, tk, tctx, len(items), time.Minute); len(snap) != len(items) {
		t.Fatalf("snapshot pass: %d records, want %d", len(snap), len(items))
	}
	if st := tctx.stored("Справочник.Номенклатура"); st[OffsetDone] != true || st[OffsetVersion] != int64(-1) {
		t.Fatalf("stored offset after the snapshot pass: %v, want done with version -1", st)
	}
	must(t, tk.Stop(ctx))

	props[KeyMode] = ModeIncremental
	props[KeyPollInterval] = "10"
	props[KeySettle] = "0"
	tk2 := msStartTask(t, tctx, props)
	if again := msPollFor(t, tk2, tctx, len(items), time.Minute); len(again) != len(items) {
		t.Fatalf("first incremental run: %d records, want the %d items again (a full pass)", len(again), len(items))
	}
	_, err = db.ExecContext(ctx, "UPDATE "+catTable.Table.Name+" SET _Description = @p1 WHERE _IDRRef = @p2", "Товар 2 (изменён)", items[1].ID)
	must(t, err)
	changed := msPollFor(t, tk2, tctx, 1, 30*time.Second)
	if len(changed) != 1 || msRef(t, changed[0]) != msUUID(t, items[1]) {
		t.Fatalf("after an update: %d records, want item 2", len(changed))
	}
}

// TestSQLServerIncrementalRefusesRegisters: validation in
// mode=incremental refuses a register (no _Version column) under the
// objects key and takes a catalog.
func TestSQLServerIncrementalRefusesRegisters(t *testing.T) {
	ctx, _, _, props := mssqlTrade(t)
	props[KeyMode] = ModeIncremental
	props[KeyObjects] = msCatalog + ", РегистрСведений.ЦеныНоменклатуры"
	err := (&Connector{}).Validate(ctx, props)
	var ve *config.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors[KeyObjects]) != 1 ||
		!strings.HasPrefix(ve.Errors[KeyObjects][0], "РегистрСведений.ЦеныНоменклатуры has no _Version column; mode=incremental cannot see its changes") {
		t.Fatalf("validate: %v, want the register refused under %s", err, KeyObjects)
	}
	props[KeyObjects] = msCatalog
	must(t, (&Connector{}).Validate(ctx, props))
}
