package metadata

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

func TestDBNamesSample(t *testing.T) {
	d, err := ParseDBNames(sample(t, "DBNames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxCode != 35111 || len(d.Entries) != 32311 {
		t.Fatalf("MaxCode %d entries %d; want 35111, 32311", d.MaxCode, len(d.Entries))
	}
	counts := d.TokenCounts()
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 32311 {
		t.Fatalf("token counts sum to %d", total)
	}
	// Spot checks of §4 facts on this file.
	if n := counts["AccumRgOpt"]; n != 83 {
		t.Errorf("AccumRgOpt entries = %d, want 83 (§4.3)", n)
	}
	if n := counts["ScheduledJobs"]; n != 75 {
		t.Errorf("ScheduledJobs entries = %d, want 75 (§4.3)", n)
	}
	for _, tok := range []string{"Reference", "Document", "Fld", "VT", "LineNo", "InfoRg", "AccumRg", "Enum", "Const", "ReferenceChngR", "Node", "Chrc"} {
		if counts[tok] == 0 {
			t.Errorf("no %q entries", tok)
		}
	}
	vo := uuid1c.MustParse("0adf02da-940a-4bfc-afa5-59605494a169")
	if c, ok := d.Code(vo, "Reference"); !ok || c != 43 {
		t.Errorf("ВариантыОтчетов Reference = %d, %v; want 43", c, ok)
	}
	if c, ok := d.Code(vo, "ReferenceChngR"); !ok || c != 1542 {
		t.Errorf("ВариантыОтчетов ReferenceChngR = %d, %v; want 1542", c, ok)
	}
	e, ok := d.ByCode(43)
	if !ok || e.UUID != vo || e.Token != "Reference" {
		t.Errorf("ByCode(43) = %+v", e)
	}
	sys, ok := d.ByCode(1)
	if !ok || !sys.UUID.IsNil() {
		t.Errorf("code 1 = %+v, want a zero-UUID system entry", sys)
	}
	// Codes unique and max code present.
	if _, ok := d.ByCode(d.MaxCode); !ok {
		t.Errorf("max code %d has no entry", d.MaxCode)
	}
}

func TestDBNamesErrors(t *testing.T) {
	tests := []struct{ name, in, msg string }{
		{"count mismatch", `{5,{2,{00000000-0000-0000-0000-000000000000,"A",1}}}`, "declared 2 entries"},
		{"dup code", `{5,{2,{00000000-0000-0000-0000-000000000000,"A",1},{00000000-0000-0000-0000-000000000000,"B",1}}}`, "used twice"},
		{"bad uuid", `{5,{1,{zz,"A",1}}}`, "invalid 1C UUID"},
		{"bad code", `{5,{1,{00000000-0000-0000-0000-000000000000,"A",-1}}}`, "bad code"},
		{"unquoted token", `{5,{1,{00000000-0000-0000-0000-000000000000,A,1}}}`, "want {uuid"},
		{"not a list", `{5,7}`, "entry list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDBNames([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v, want %q", err, tt.msg)
			}
		})
	}
}

// TestMetaObjectSample reads Справочник.ВариантыОтчетов (a real descriptor)
// and resolves it against the real DBNames of the same infobase.
func TestMetaObjectSample(t *testing.T) {
	const vo = "0adf02da-940a-4bfc-afa5-59605494a169"
	dbnames := sample(t, "DBNames.txt")
	desc := sample(t, "MetaObject.txt")
	root, main := syntheticMain(80216, map[string][]string{"cf4abea6-37b2-11d4-940f-008048da11f9": {vo}})
	src := NewMemorySource(DBMSSQLServer,
		map[string][]byte{"root": root, testMainUUID: main, vo: DeflateBody(desc)},
		map[string][]byte{"DBNames": DeflateBody(dbnames)}, 0)
	ib, err := Load(context.Background(), src, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ib.Problems) != 0 {
		t.Fatalf("problems: %v", ib.Problems)
	}
	o, err := ib.Lookup("Справочник.ВариантыОтчетов")
	if err != nil {
		t.Fatal(err)
	}
	if o.Table != "_Reference43" || o.Synonym != "Отчеты" {
		t.Errorf("table %q synonym %q", o.Table, o.Synonym)
	}
	if o.ChangeTable == nil || o.ChangeTable.Table != "_ReferenceChngR1542" {
		t.Errorf("change table = %+v", o.ChangeTable)
	}
	d, _ := ParseDBNames(dbnames)
	wantAttrs := []string{"Автор", "ВидимостьПоУмолчанию", "ВидимостьПоУмолчаниюПереопределена", "ИнтерактивнаяПометкаУдаления",
		"КлючВарианта", "КлючевыеСлова", "НаименованияПараметровИОтборов", "НаименованияПолей", "Настройки", "Описание", "Отчет",
		"Пользовательский", "ПредопределенныйВариант", "ТипОтчета", "ТолькоДляАвтора", "УдалитьКлючОбъекта",
		"УдалитьПредставлениеОбъекта", "ХешНастроек"}
	if len(o.Attributes) != len(wantAttrs) {
		t.Fatalf("%d attributes, want %d", len(o.Attributes), len(wantAttrs))
	}
	for i, p := range o.Attributes {
		if p.Name != wantAttrs[i] {
			t.Errorf("attribute %d = %s, want %s", i, p.Name, wantAttrs[i])
		}
		code, ok := d.Code(p.UUID, "Fld")
		if !ok {
			t.Errorf("%s: no Fld entry", p.Name)
			continue
		}
		if len(p.Columns) == 0 || !strings.HasPrefix(p.Columns[0].Name, "_Fld"+itoa(code)) {
			t.Errorf("%s: columns %+v, want _Fld%d…", p.Name, p.Columns, code)
		}
	}
	wantTS := map[string][]string{
		"Размещение": {"Использование", "Подсистема", "Важный", "СмТакже", "УдалитьПредопределенная", "УдалитьНазвание", "УдалитьПодсистема"},
		"УдалитьИсключенияБыстрогоДоступа": {"УдалитьПользователь"},
	}
	if len(o.TabularSections) != len(wantTS) {
		t.Fatalf("%d tabular sections, want %d", len(o.TabularSections), len(wantTS))
	}
	for _, ts := range o.TabularSections {
		var names []string
		for _, p := range ts.Attributes {
			names = append(names, p.Name)
		}
		if strings.Join(names, ",") != strings.Join(wantTS[ts.Name], ",") {
			t.Errorf("section %s attributes %v, want %v", ts.Name, names, wantTS[ts.Name])
		}
	}
	// Standard attributes of a hierarchical catalog without code at
	// compatibility 80216: _IsMetadata, no _Folder (items only), §6.1.
	var std []string
	for _, p := range o.StandardAttributes {
		std = append(std, p.Columns[0].Name)
	}
	if got := strings.Join(std, ","); got != "_IDRRef,_Version,_Marked,_IsMetadata,_ParentIDRRef,_Description" {
		t.Errorf("standard columns %s", got)
	}
	// A composite of a string and several references (§5.5).
	otchet := o.Attributes[10]
	var cols []string
	for _, c := range otchet.Columns {
		cols = append(cols, c.Name)
	}
	if got := strings.Join(cols, ","); got != "_Fld1494_TYPE,_Fld1494_S,_Fld1494_RTRef,_Fld1494_RRRef" {
		t.Errorf("Отчет columns %s", got)
	}
	for _, ts := range o.TabularSections {
		vt, ok := d.Code(ts.UUID, "VT")
		if !ok || ts.Table != "_Reference43_VT"+itoa(vt) {
			t.Errorf("section %s table %q (VT %d)", ts.Name, ts.Table, vt)
		}
		ln, _ := d.Code(ts.UUID, "LineNo")
		if c := ts.StandardAttributes[2].Columns[0]; c.Name != "_LineNo"+itoa(ln) || c.Precision != 5 {
			t.Errorf("section %s line number column %+v", ts.Name, c)
		}
		if c := ts.StandardAttributes[0].Columns[0]; c.Name != "_Reference43_IDRRef" {
			t.Errorf("section %s owner key %q", ts.Name, c.Name)
		}
		for _, p := range ts.Attributes {
			if _, ok := d.Code(p.UUID, "Fld"); !ok || len(p.Columns) == 0 {
				t.Errorf("section %s attribute %s not resolved", ts.Name, p.Name)
			}
		}
	}
	if _, ok := o.TabularSection("размещение"); !ok {
		t.Error("TabularSection is not case-insensitive")
	}
	tgt, err := ib.Resolve("Catalog.ВариантыОтчетов.Размещение")
	if err != nil || tgt.TabularSection == nil {
		t.Errorf("Resolve tabular section: %v", err)
	}
	tgt, err = ib.Resolve("catalog.вариантыотчетов.Изменения")
	if err != nil || !tgt.Changes {
		t.Errorf("Resolve changes: %v", err)
	}
	_, err = ib.Lookup("Справочник.ВариантыОтчето")
	var nf *NotFoundError
	if !errors.As(err, &nf) || len(nf.Suggestions) == 0 || !strings.Contains(nf.Suggestions[0], "ВариантыОтчетов") {
		t.Errorf("near miss: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
