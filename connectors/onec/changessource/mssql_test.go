package changessource

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/mssqltest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// The SQL Server tests drive the same Task as the PostgreSQL protocol
// tests (startTask, pollN, fakeTaskContext) against onectest.Trade built
// on the SQL Server named by ONEC_TEST_MSSQL_URL; without it they skip. No
// SQL Server can run on the project's machines, so they were written
// against the SQL the connector issues there: the stamp is UPDATE TOP (n)
// … WITH (ROWLOCK, READPAST) … OUTPUT inserted.<key>, objects are read by
// SelectByKeys (… IN (@p…)), the snapshot pages with SELECT DISTINCT TOP
// (@p1) … WHERE key > @p2, and the node is found by RTRIM(_Code).

// mssqlTrade builds onectest.Trade in a fresh SQL Server database and
// returns the connector's database properties for it.
func mssqlTrade(t *testing.T) (context.Context, *sql.DB, *onectest.SQLServerBuilt, map[string]string) {
	t.Helper()
	ctx, db, b, dsn := mssqltest.Build(t, onectest.Trade(), 3*time.Minute)
	return ctx, db, b, connProps(t, dsn)
}

// msRegistrations counts the registrations of a node in an object's change
// table, and those not stamped (_MessageNo NULL).
func msRegistrations(t *testing.T, ctx context.Context, db *sql.DB, b *onectest.SQLServerBuilt, fullName, code string) (total, unstamped int) {
	t.Helper()
	ol, err := b.Object(fullName)
	must(t, err)
	node, err := b.NodeRef("ПланОбмена.Kafka", code)
	must(t, err)
	q := "SELECT COUNT(*), COUNT(CASE WHEN _MessageNo IS NULL THEN 1 END) FROM " + ol.ChangeTable.Name + " WHERE _NodeRRef = @p1"
	must(t, db.QueryRowContext(ctx, q, node).Scan(&total, &unstamped))
	return total, unstamped
}

// msRegister registers refs of fullName for node KAFKA.
func msRegister(t *testing.T, ctx context.Context, db *sql.DB, b *onectest.SQLServerBuilt, fullName string, refs ...onectest.Reference) {
	t.Helper()
	for _, r := range refs {
		must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "KAFKA", fullName, onectest.Row{"Ссылка": r}))
	}
}

// msReRegister does what the platform does when an object registered for
// node KAFKA is written again: _MessageNo back to NULL, or a new
// registration when none is left.
func msReRegister(t *testing.T, ctx context.Context, db *sql.DB, b *onectest.SQLServerBuilt, fullName string, ref onectest.Reference) {
	t.Helper()
	ol, err := b.Object(fullName)
	must(t, err)
	node, err := b.NodeRef("ПланОбмена.Kafka", "KAFKA")
	must(t, err)
	res, err := db.ExecContext(ctx, "UPDATE "+ol.ChangeTable.Name+" SET _MessageNo = NULL WHERE _IDRRef = @p1 AND _NodeRRef = @p2", ref.ID, node)
	must(t, err)
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		msRegister(t, ctx, db, b, fullName, ref)
	}
}

// msUUID is the canonical UUID of a reference, as keys and data carry it.
func msUUID(t *testing.T, r onectest.Reference) string {
	t.Helper()
	s, err := uuid1c.UUIDFromBinary1C(r.ID)
	must(t, err)
	return s
}

// msOp is a record's op, "tombstone" for a null value.
func msOp(r *connect.SourceRecord) string {
	if r.Value == nil {
		return "tombstone"
	}
	op, _ := r.Value.(*schema.Struct).Get("op")
	s, _ := op.(string)
	return s
}

// msData is the data field of a record's value (nil for d and tombstones).
func msData(r *connect.SourceRecord) *schema.Struct {
	if r.Value == nil {
		return nil
	}
	d, _ := r.Value.(*schema.Struct).Get("data")
	s, _ := d.(*schema.Struct)
	return s
}

// msAckAll acknowledges recs as the worker does: CommitRecord for each,
// then their offsets stored.
func msAckAll(t *testing.T, tk *Task, tctx *fakeTaskContext, recs []*connect.SourceRecord) {
	t.Helper()
	for _, r := range recs {
		must(t, tk.CommitRecord(t.Context(), r, &connect.RecordMetadata{}))
	}
	tctx.commit(recs)
}

// TestSQLServerChanges streams registrations of catalog items and a
// document with a tabular section for node KAFKA: every registration
// becomes a u record with the object's current state (dates without the
// year offset, fixed strings trimmed, enums by name, the composite
// Основание, the Товары rows in НомерСтроки order); acknowledged
// registrations are deleted, one made again while its batch was in flight
// survives and is delivered again; deleted objects become d followed by a
// tombstone; the registrations of node АРХИВ are never touched.
func TestSQLServerChanges(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	vat, err := b.EnumValue("Перечисление.СтавкиНДС", "НДС20")
	must(t, err)
	items := make([]onectest.Reference, 3)
	for i := range items {
		items[i], err = b.InsertObject(ctx, db, catName, onectest.Row{"Наименование": fmt.Sprintf("Товар %d", i+1),
			"Артикул": fmt.Sprintf("A-%d", i+1), "ЕдиницаИзмерения": "шт", "СтавкаНДС": vat,
			"Вес": onectest.Decimal("1.250"), "Услуга": i == 2}, nil)
		must(t, err)
	}
	buyer, err := b.InsertObject(ctx, db, "Справочник.Контрагенты", onectest.Row{"Наименование": "ООО Ромашка", "ИНН": "7700000001"}, nil)
	must(t, err)
	docDate := time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC)
	doc, err := b.InsertObject(ctx, db, docName, onectest.Row{"Дата": docDate, "_NumberPrefix": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		"Номер": "ТД-0000001", "Проведен": true, "Контрагент": buyer, "СуммаДокумента": onectest.Decimal("350.00"),
		"Комментарий": "первая отгрузка", "Основание": items[0]},
		map[string][]onectest.Row{"Товары": {
			{"Номенклатура": items[0], "Количество": onectest.Decimal("2.000"), "Цена": onectest.Decimal("100.00"), "Сумма": onectest.Decimal("200.00"), "СтавкаНДС": vat},
			{"Номенклатура": items[1], "Количество": onectest.Decimal("1.500"), "Цена": onectest.Decimal("100.00"), "Сумма": onectest.Decimal("150.00"), "СтавкаНДС": vat},
		}})
	must(t, err)
	msRegister(t, ctx, db, b, catName, items...)
	msRegister(t, ctx, db, b, docName, doc)
	must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "АРХИВ", catName, onectest.Row{"Ссылка": items[0]}))

	props[KeyExchangePlan], props[KeyNode] = "ПланОбмена.Kafka", "KAFKA"
	props[KeyObjects] = catName + ", " + docName
	props[KeySnapshotMode] = SnapshotNever
	props[KeyPollInterval] = "10"
	tctx := &fakeTaskContext{}
	tk := startTask(t, tctx, props)

	// 1. Every registration is stamped and delivered as u.
	recs := pollN(t, tk, 5)
	byKey := map[string]*connect.SourceRecord{}
	for _, r := range recs {
		if op := msOp(r); op != OpUpdate {
			t.Errorf("record of %s: op %s, want u", refOf(t, r), op)
		}
		byKey[refOf(t, r)] = r
	}
	if len(recs) != 4 || len(byKey) != 4 {
		t.Fatalf("first batch: %d records for %d objects, want 4 (3 items and the document)", len(recs), len(byKey))
	}
	if total, unstamped := msRegistrations(t, ctx, db, b, catName, "KAFKA"); total != 3 || unstamped != 0 {
		t.Errorf("catalog registrations of KAFKA after the stamp: %d, %d unstamped; want 3 stamped", total, unstamped)
	}
	for i, it := range items {
		schematest.CheckFields(t, fmt.Sprintf("item %d", i+1), msData(byKey[msUUID(t, it)]), map[string]any{
			"Ссылка": msUUID(t, it), "Наименование": fmt.Sprintf("Товар %d", i+1), "Артикул": fmt.Sprintf("A-%d", i+1),
			"ЕдиницаИзмерения": "шт", "СтавкаНДС": "НДС20", "Вес": decimal.RequireFromString("1.25"), "Услуга": i == 2,
			"ПометкаУдаления": false})
	}
	dd := msData(byKey[msUUID(t, doc)])
	schematest.CheckFields(t, "document", dd, map[string]any{"Ссылка": msUUID(t, doc), "Дата": docDate, "Номер": "ТД-0000001",
		"Проведен": true, "Контрагент": msUUID(t, buyer), "СуммаДокумента": decimal.RequireFromString("350"),
		"Комментарий": "первая отгрузка"})
	if dd != nil {
		basis, _ := dd.Get("Основание")
		bs, _ := basis.(*schema.Struct)
		schematest.CheckFields(t, "document.Основание", bs, map[string]any{"type": "Catalog.Номенклатура", "value": msUUID(t, items[0])})
		lines, _ := dd.Get("Товары")
		ls, _ := lines.([]any)
		if len(ls) != 2 {
			t.Fatalf("document.Товары: %d rows, want 2", len(ls))
		}
		for i, want := range []map[string]any{
			{"НомерСтроки": decimal.NewFromInt(1), "Номенклатура": msUUID(t, items[0]), "Количество": decimal.RequireFromString("2"), "Сумма": decimal.RequireFromString("200"), "СтавкаНДС": "НДС20"},
			{"НомерСтроки": decimal.NewFromInt(2), "Номенклатура": msUUID(t, items[1]), "Количество": decimal.RequireFromString("1.5"), "Сумма": decimal.RequireFromString("150"), "СтавкаНДС": "НДС20"},
		} {
			row, _ := ls[i].(*schema.Struct)
			schematest.CheckFields(t, fmt.Sprintf("document.Товары[%d]", i), row, want)
		}
	}

	// 2. Item 1 is written again in 1C while the batch waits for Kafka:
	// its registration survives the deletion of the acknowledged batch and
	// goes out again.
	msReRegister(t, ctx, db, b, catName, items[0])
	msAckAll(t, tk, tctx, recs)
	again := pollN(t, tk, 3)
	if len(again) != 1 || refOf(t, again[0]) != msUUID(t, items[0]) || msOp(again[0]) != OpUpdate {
		t.Fatalf("after the acknowledgement: %d records, want item 1 again as u", len(again))
	}
	if total, _ := msRegistrations(t, ctx, db, b, catName, "KAFKA"); total != 1 {
		t.Errorf("catalog registrations of KAFKA: %d, want 1 (item 1, stamped again)", total)
	}
	if total, _ := msRegistrations(t, ctx, db, b, docName, "KAFKA"); total != 0 {
		t.Errorf("document registrations of KAFKA after the acknowledgement: %d, want 0", total)
	}
	msAckAll(t, tk, tctx, again)

	// 3. An update and two deletions.
	catTable, err := b.Object(catName)
	must(t, err)
	docTable, err := b.Object(docName)
	must(t, err)
	goods, err := docTable.Section("Товары")
	must(t, err)
	_, err = db.ExecContext(ctx, "UPDATE "+catTable.Table.Name+" SET _Description = @p1 WHERE _IDRRef = @p2", "Товар 2 (изменён)", items[1].ID)
	must(t, err)
	_, err = db.ExecContext(ctx, "DELETE FROM "+catTable.Table.Name+" WHERE _IDRRef = @p1", items[2].ID)
	must(t, err)
	_, err = db.ExecContext(ctx, "DELETE FROM "+goods.Table.Name+" WHERE "+goods.OwnerKey+" = @p1", doc.ID)
	must(t, err)
	_, err = db.ExecContext(ctx, "DELETE FROM "+docTable.Table.Name+" WHERE _IDRRef = @p1", doc.ID)
	must(t, err)
	msReRegister(t, ctx, db, b, catName, items[1])
	msReRegister(t, ctx, db, b, catName, items[2])
	msReRegister(t, ctx, db, b, docName, doc)
	changes := pollN(t, tk, 5)
	var ops []string
	for i, r := range changes {
		ops = append(ops, msOp(r))
		switch key := refOf(t, r); {
		case key == msUUID(t, items[1]):
			if msOp(r) != OpUpdate {
				t.Errorf("updated item: op %s, want u", msOp(r))
			}
			schematest.CheckFields(t, "updated item", msData(r), map[string]any{"Наименование": "Товар 2 (изменён)"})
		case key == msUUID(t, items[2]) || key == msUUID(t, doc):
			if msOp(r) == OpDelete && (i+1 == len(changes) || msOp(changes[i+1]) != "tombstone" || refOf(t, changes[i+1]) != key) {
				t.Errorf("deletion of %s is not followed by its tombstone", key)
			}
			if op := msOp(r); op != OpDelete && op != "tombstone" {
				t.Errorf("deleted object %s: op %s, want d or a tombstone", key, op)
			}
		default:
			t.Errorf("record for unexpected key %q", key)
		}
	}
	if len(changes) != 5 {
		t.Fatalf("changes: ops %v, want u, d and a tombstone for the catalog, d and a tombstone for the document", ops)
	}
	msAckAll(t, tk, tctx, changes)
	pollN(t, tk, 1)
	for _, o := range []string{catName, docName} {
		if total, _ := msRegistrations(t, ctx, db, b, o, "KAFKA"); total != 0 {
			t.Errorf("%s: %d registrations of KAFKA left after the acknowledgements, want 0", o, total)
		}
	}
	if total, unstamped := msRegistrations(t, ctx, db, b, catName, "АРХИВ"); total != 1 || unstamped != 1 {
		t.Errorf("registrations of node АРХИВ: %d, %d unstamped; want 1 untouched", total, unstamped)
	}
	if m := tk.Metrics().Snapshot(); m.Records != 10 || m.Acked != 7 {
		t.Errorf("metrics: %+v, want 10 records (4 + 1 + 5) and 7 registrations deleted (3 + 1 + 3)", m)
	}
}

// TestSQLServerChangesSnapshot runs snapshot.mode=initial in pages of two:
// a first task sends one page and stops, the next resumes after the
// stored key (every item once, in _IDRRef order), then streams the two
// pending registrations; stopped before they are acknowledged, a third
// task finds their message number above the stored offsets
// (MAX(_MessageNo) read back from numeric(10,0)) and sends them again.
func TestSQLServerChangesSnapshot(t *testing.T) {
	ctx, db, b, props := mssqlTrade(t)
	items := make([]onectest.Reference, 5)
	var err error
	for i := range items {
		items[i], err = b.InsertObject(ctx, db, catName, onectest.Row{"Наименование": fmt.Sprintf("Товар %d", i+1)}, nil)
		must(t, err)
	}
	msRegister(t, ctx, db, b, catName, items[1], items[3])

	props[KeyExchangePlan], props[KeyNode] = "ПланОбмена.Kafka", "KAFKA"
	props[KeyObjects] = catName
	props[KeySnapshotMode] = SnapshotInitial
	props[KeyBatchSize] = "2"
	props[KeyPollInterval] = "10"
	tctx := &fakeTaskContext{}

	tk1 := startTask(t, tctx, props)
	first := pollN(t, tk1, 1)
	msAckAll(t, tk1, tctx, first)
	must(t, tk1.Stop(ctx))
	if len(first) != 2 {
		t.Fatalf("first snapshot page: %d records, want 2", len(first))
	}

	tk2 := startTask(t, tctx, props)
	rest := pollN(t, tk2, 10)
	var snap, streamed []*connect.SourceRecord
	for _, r := range append(first, rest...) {
		switch msOp(r) {
		case OpRead:
			snap = append(snap, r)
		case OpUpdate:
			streamed = append(streamed, r)
		default:
			t.Errorf("record of %s: op %s, want r or u", refOf(t, r), msOp(r))
		}
	}
	if len(snap) != 5 || len(streamed) != 2 {
		t.Fatalf("%d snapshot and %d streamed records, want 5 and 2", len(snap), len(streamed))
	}
	var prev []byte
	seen := map[string]bool{}
	for _, r := range snap {
		key := refOf(t, r)
		id, err := uuid1c.UUIDToBinary1C(key)
		must(t, err)
		if seen[key] || bytes.Compare(prev, id) >= 0 {
			t.Errorf("snapshot key %s repeated or out of _IDRRef order", key)
		}
		seen[key], prev = true, id
	}
	for _, it := range items {
		if !seen[msUUID(t, it)] {
			t.Errorf("item %s missing from the snapshot", msUUID(t, it))
		}
	}
	if off := snap[4].SourceOffset; off[OffsetSnapshot] != snapDone {
		t.Errorf("offset of the last snapshot record: %v, want the snapshot done", off)
	}
	want := map[string]bool{msUUID(t, items[1]): true, msUUID(t, items[3]): true}
	for _, r := range streamed {
		if !want[refOf(t, r)] {
			t.Errorf("streamed record for %s, which was not registered", refOf(t, r))
		}
	}

	// The worker acknowledged the snapshot but not the streamed batch.
	msAckAll(t, tk2, tctx, snap[2:])
	must(t, tk2.Stop(ctx))
	if total, unstamped := msRegistrations(t, ctx, db, b, catName, "KAFKA"); total != 2 || unstamped != 0 {
		t.Fatalf("after a stop without acknowledgements: %d registrations, %d unstamped; want 2 stamped", total, unstamped)
	}
	tk3 := startTask(t, tctx, props)
	orphans := pollN(t, tk3, 3)
	if len(orphans) != 2 {
		t.Fatalf("after the restart: %d records, want the 2 unacknowledged registrations again (and no new snapshot)", len(orphans))
	}
	for _, r := range orphans {
		if msOp(r) != OpUpdate || !want[refOf(t, r)] {
			t.Errorf("after the restart: %s for %s, want u for a registered item", msOp(r), refOf(t, r))
		}
	}
	msAckAll(t, tk3, tctx, orphans)
	pollN(t, tk3, 1)
	if total, _ := msRegistrations(t, ctx, db, b, catName, "KAFKA"); total != 0 {
		t.Errorf("%d registrations left after the acknowledgements, want 0", total)
	}
}
