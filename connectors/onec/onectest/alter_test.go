package onectest

import (
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

func TestAddAttribute(t *testing.T) {
	ctx, conn := connect(t)
	b, err := Build(ctx, conn, Trade())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Generate(ctx, conn, "Справочник.Контрагенты", 3, GenOptions{}); err != nil {
		t.Fatal(err)
	}
	var before string
	if err := conn.QueryRow(ctx, `SELECT max(modified)::text FROM config`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		object string
		attr   Attribute
		want   string
	}{
		{"Справочник.Нет", Attribute{Name: "А", Type: Bool()}, "no object"},
		{"Перечисление.СтавкиНДС", Attribute{Name: "А", Type: Bool()}, "has no attributes"},
		{"Справочник.Контрагенты", Attribute{Name: "ИНН", Type: Bool()}, "already has"},
		{"Справочник.Контрагенты", Attribute{Name: "1А", Type: Bool()}, "not a 1C identifier"},
		{"Справочник.Контрагенты", Attribute{Name: "А", Type: Type{}}, "empty type"},
		{"Справочник.Контрагенты", Attribute{Name: "А", Type: Ref("Справочник.Нет")}, "not in the configuration"},
	} {
		if err := b.AddAttribute(ctx, conn, c.object, c.attr); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("AddAttribute(%s, %s) = %v, want %q", c.object, c.attr.Name, err, c.want)
		}
	}
	if err := b.AddAttribute(ctx, conn, "Справочник.Контрагенты", Attribute{Name: "Основной", Type: Composite(Bool(), Ref("Справочник.Номенклатура"))}); err != nil {
		t.Fatal(err)
	}
	ol, _ := b.Object("Справочник.Контрагенты")
	f, err := ol.Field("Основной")
	if err != nil {
		t.Fatal(err)
	}
	// The columns exist, filled with the empty value, NOT NULL.
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+ol.Table.PG()+` WHERE `+strings.ToLower(f.Columns.Type)+` = '\x01'::bytea AND NOT `+strings.ToLower(f.Columns.L)).Scan(&n); err != nil || n != 3 {
		t.Errorf("filled rows = %d, %v; want 3", n, err)
	}
	// The descriptor names the attribute, DBNames has its code, and the
	// modification time moved on.
	d := readFile(t, ctx, conn, "config", ol.UUID)
	if !strings.Contains(string(brace.Marshal(d)), `"Основной"`) {
		t.Error("descriptor does not list the new attribute")
	}
	dbn := readFile(t, ctx, conn, "params", "DBNames")
	if !strings.Contains(string(brace.Marshal(dbn)), f.UUID) {
		t.Error("DBNames lacks the new attribute")
	}
	var after string
	if err := conn.QueryRow(ctx, `SELECT max(modified)::text FROM config`).Scan(&after); err != nil || after <= before {
		t.Errorf("config modified %s → %s", before, after)
	}
}
