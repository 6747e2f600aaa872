package onectest

import (
	"bytes"
	"testing"
	"time"
)

func TestRowIDMatchesSQL(t *testing.T) {
	ctx, conn := connect(t)
	for _, n := range []int64{1, 2, 999999} {
		var got []byte
		if err := conn.QueryRow(ctx, "SELECT "+rowIDSQL("seed-'x", "$1::bigint"), n).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := RowID("seed-'x", n); !bytes.Equal(got, want) {
			t.Errorf("row %d: SQL %x, Go %x", n, got, want)
		}
	}
}

func TestGenerateTrade(t *testing.T) {
	ctx, conn := connect(t)
	b, err := Build(ctx, conn, Trade())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, conn, "Справочник.Номенклатура", 1000, GenOptions{MarkEvery: 10}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, conn, "Справочник.Контрагенты", 100, GenOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, conn, "Документ.РеализацияТоваровУслуг", 200, GenOptions{Lines: 3}); err != nil {
		t.Fatal(err)
	}
	if err := b.GenerateRecords(ctx, conn, "РегистрСведений.ЦеныНоменклатуры", 500); err != nil {
		t.Fatal(err)
	}
	if err := b.GenerateRecords(ctx, conn, "РегистрНакопления.Продажи", 600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GenerateOutgoing(ctx, conn, 50, 200); err != nil {
		t.Fatal(err)
	}
	n, err := b.RegisterAll(ctx, conn, "ПланОбмена.Kafka", "KAFKA", "Справочник.Номенклатура")
	if err != nil || n != 1000 {
		t.Fatalf("RegisterAll = %d, %v", n, err)
	}
	items, _ := b.Object("Справочник.Номенклатура")
	sale, _ := b.Object("Документ.РеализацияТоваровУслуг")
	goods, _ := sale.Section("Товары")
	checks := []struct {
		sql  string
		want int64
	}{
		{"SELECT count(*) FROM " + items.Table.PG() + " WHERE _marked", 100},
		{"SELECT count(*) FROM " + goods.Table.PG(), 600},
		// every tabular-section row points at an existing item
		{"SELECT count(*) FROM " + goods.Table.PG() + " v JOIN " + items.Table.PG() + " i ON i._idrref = v." + goods.Fields["Номенклатура"].Columns.Single, 600},
		// composite: Undefined, bool, number, date, string and two reference targets
		{"SELECT count(DISTINCT (" + sale.Fields["Основание"].Columns.Type + ", " + sale.Fields["Основание"].Columns.RTRef + ")) FROM " + sale.Table.PG(), 7},
		{"SELECT count(*) FROM " + items.Table.PG() + " WHERE _description::text ~ '^[А-Яа-яЁё]+ [0-9]+$'", 1000},
	}
	for _, c := range checks {
		var got int64
		if err := conn.QueryRow(ctx, c.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.sql, err)
		}
		if got != c.want {
			t.Errorf("%s = %d, want %d", c.sql, got, c.want)
		}
	}
}

func TestInsertValuesAndMvarchar(t *testing.T) {
	ctx, conn := connect(t)
	b, err := Build(ctx, conn, Trade())
	if err != nil {
		t.Fatal(err)
	}
	vat, err := b.EnumValue("Перечисление.СтавкиНДС", "НДС20")
	if err != nil {
		t.Fatal(err)
	}
	item, err := b.InsertObject(ctx, conn, "Справочник.Номенклатура", Row{
		"Наименование": "Молоко «Домик в деревне»", "Артикул": "МЛК-1", "СтавкаНДС": vat, "Вес": Decimal("1.025"), "Услуга": false,
		"ЕдиницаИзмерения": "шт",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := b.Ref("Справочник.Номенклатура", 1); !bytes.Equal(item.ID, want.ID) {
		t.Errorf("first inserted item is not Ref(1)")
	}
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	doc, err := b.InsertObject(ctx, conn, "Документ.РеализацияТоваровУслуг", Row{"Дата": when, "Основание": item, "Проведен": true},
		map[string][]Row{"Товары": {{"Номенклатура": item, "Количество": 2, "Цена": Decimal("10.50"), "Сумма": Decimal("21.00")}}})
	if err != nil {
		t.Fatal(err)
	}
	sale, _ := b.Object("Документ.РеализацияТоваровУслуг")
	items, _ := b.Object("Справочник.Номенклатура")
	f := sale.Fields["Основание"].Columns
	var tag, rt, rr []byte
	var prefix time.Time
	if err := conn.QueryRow(ctx, "SELECT "+f.Type+", "+f.RTRef+", "+f.RRRef+", _numberprefix FROM "+sale.Table.PG()).Scan(&tag, &rt, &rr, &prefix); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tag, []byte{8}) || !bytes.Equal(rt, typeCode(items.Code)) || !bytes.Equal(rr, item.ID) {
		t.Errorf("composite ref = %x %x %x", tag, rt, rr)
	}
	_ = doc
	if err := b.RegisterChange(ctx, conn, "ПланОбмена.Kafka", "KAFKA", "Документ.РеализацияТоваровУслуг", Row{"Ссылка": doc}); err != nil {
		t.Fatal(err)
	}
	if err := b.PutOutgoing(ctx, conn, []QueueMessage{{Number: 1, Type: "Заказ", Key: "k1", Body: `{"текст":"привет"}`, Created: when}}); err != nil {
		t.Fatal(err)
	}

	// mvarchar: case-insensitive equality, Cyrillic round trip, length limit.
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+items.Table.PG()+" WHERE _description = 'МОЛОКО «ДОМИК В ДЕРЕВНЕ»'").Scan(&n); err != nil || n != 1 {
		t.Errorf("case-insensitive match = %d, %v", n, err)
	}
	var text string
	if err := conn.QueryRow(ctx, "SELECT _description::text FROM "+items.Table.PG()).Scan(&text); err != nil || text != "Молоко «Домик в деревне»" {
		t.Errorf("round trip = %q, %v", text, err)
	}
	var unit string
	col := items.Fields["ЕдиницаИзмерения"].Columns.Single
	if err := conn.QueryRow(ctx, "SELECT "+col+"::text FROM "+items.Table.PG()).Scan(&unit); err != nil || unit != "шт" {
		t.Errorf("mchar trimmed = %q, %v", unit, err)
	}
	if _, err := b.InsertObject(ctx, conn, "Справочник.Номенклатура", Row{"Артикул": "слишком-длинный-артикул-больше-25"}, nil); err == nil {
		t.Error("a 33-character value fit into mvarchar(25)")
	}
	if _, err := b.InsertObject(ctx, conn, "Справочник.Номенклатура", Row{"Вес": "тяжёлый"}, nil); err == nil {
		t.Error("a string was accepted for a number")
	}
}
