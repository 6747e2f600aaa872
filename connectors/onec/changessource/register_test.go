package changessource

import (
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

func opsOf(recs []*connect.SourceRecord) (ops []string, sizes []int) {
	for _, r := range recs {
		if r.Value == nil {
			ops = append(ops, "tombstone")
			sizes = append(sizes, 0)
			continue
		}
		v := r.Value.(*schema.Struct)
		op, _ := v.Get("op")
		ops = append(ops, op.(string))
		n := -1
		if d, _ := v.Get("data"); d != nil {
			if recs, ok := d.(*schema.Struct).Get("records"); ok {
				n = len(recs.([]any))
			}
		}
		sizes = append(sizes, n)
	}
	return ops, sizes
}

// TestRegisterAndConstant: the initial snapshot emits one record per
// record set of an independent information register (by its change key)
// and the constant; a registration of a record set emits its current
// records, and an emptied set becomes a deletion.
func TestRegisterAndConstant(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	_, err := b.Generate(ctx, db, catName, 3, onectest.GenOptions{})
	must(t, err)
	const reg = "РегистрСведений.ЦеныНоменклатуры"
	must(t, b.GenerateRecords(ctx, db, reg, 4))
	ol, err := b.Object(reg)
	must(t, err)
	var period time.Time
	var item []byte
	var kind string
	must(t, db.QueryRow(ctx, "SELECT _period, _fld45rref, _fld46::text FROM "+ol.Table.PG()+" ORDER BY 1, 2, 3 LIMIT 1").Scan(&period, &item, &kind))

	props := connProps(t, dsn)
	props[KeyExchangePlan], props[KeyNode] = "ПланОбмена.Kafka", "KAFKA"
	props[KeyObjects] = reg + ", Константа.НаименованиеОрганизации"
	props[KeyPollInterval] = "10"
	tctx := &fakeTaskContext{}
	tk := startTask(t, tctx, props)
	snap := pollN(t, tk, 10)
	ops, sizes := opsOf(snap)
	if len(snap) != 5 || strings.Count(strings.Join(ops, ""), "r") != 5 {
		t.Fatalf("snapshot: ops %v, want 4 register sets and the constant as r", ops)
	}
	for i, n := range sizes[:4] {
		if n != 1 {
			t.Errorf("snapshot set %d has %d records, want 1", i, n)
		}
	}
	must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "KAFKA", reg,
		onectest.Row{"Период": period, "Номенклатура": onectest.Reference{Object: catName, ID: item}, "ВидЦены": kind}))
	must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "KAFKA", "Константа.НаименованиеОрганизации", nil))
	recs := pollN(t, tk, 3)
	ops, sizes = opsOf(recs)
	if len(recs) == 2 && sizes[0] == -1 { // the constant came first
		recs[0], recs[1] = recs[1], recs[0]
		ops, sizes = opsOf(recs)
	}
	if len(recs) != 2 || ops[0] != OpUpdate || sizes[0] != 1 || ops[1] != OpUpdate || sizes[1] != -1 {
		t.Fatalf("registrations: ops %v sizes %v, want the record set (1 record) and the constant as u", ops, sizes)
	}
	key := recs[0].Key.(*schema.Struct)
	if v, _ := key.Get("ВидЦены"); v != kind {
		t.Errorf("key ВидЦены = %v, want %q", v, kind)
	}
	for _, r := range recs {
		must(t, tk.CommitRecord(ctx, r, nil))
	}
	_, err = db.Exec(ctx, "DELETE FROM "+ol.Table.PG()+" WHERE _period = $1 AND _fld45rref = $2 AND _fld46 = $3", period, item, kind)
	must(t, err)
	// Written again in 1C while the first batch is still registered: 1C resets _MessageNo.
	_, err = db.Exec(ctx, "UPDATE "+ol.ChangeTable.PG()+" SET _messageno = NULL WHERE _period = $1 AND _fld45rref = $2 AND _fld46 = $3", period, item, kind)
	must(t, err)
	recs = pollN(t, tk, 3)
	ops, _ = opsOf(recs)
	if strings.Join(ops, ",") != "d,tombstone" {
		t.Fatalf("emptied record set: ops %v, want d then a tombstone", ops)
	}
}
