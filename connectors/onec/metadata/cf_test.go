package metadata

import (
	"errors"
	"strings"
	"testing"
)

func TestLoadCFSample(t *testing.T) {
	ib, err := LoadCF(sample(t, "dajet-metadata-test-base.cf"))
	if err != nil {
		t.Fatal(err)
	}
	if ib.Name != "dajet_metadata" || ib.CompatibilityVersion != 80315 || ib.DBMS != DBMSNone {
		t.Fatalf("config %q compat %d dbms %v", ib.Name, ib.CompatibilityVersion, ib.DBMS)
	}
	if len(ib.Problems) != 0 {
		t.Fatalf("problems: %v", ib.Problems)
	}
	want := []string{
		"Catalog.ПростойСправочник", "Catalog.СправочникБезКодаИНаименования", "Catalog.СправочникВладелец",
		"Catalog.СправочникИерархическийГруппы", "Catalog.СправочникИерархическийЭлементы", "Catalog.СправочникПодчинённый",
		"Catalog.СправочникПодчинённыйСоставной", "Document.ДокументБезНомера", "Document.ОбычныйДокумент",
		"InformationRegister.ОбычныйРегистрСведений", "InformationRegister.ПериодическийРегистрСведений",
		"InformationRegister.РегистрСведенийМногоРегистраторов", "InformationRegister.РегистрСведенийОдинРегистратор",
		"AccumulationRegister.РегистрНакопленияОбороты", "AccumulationRegister.РегистрНакопленияОстатки",
		"Enum.Перечисление1", "ExchangePlan.ПланОбмена", "ExchangePlan.ТестовыйПланОбмена",
		"Constant.Константа1", "Constant.Константа2", "ChartOfCharacteristicTypes.ПланВидовХарактеристик1",
	}
	var got []string
	for _, o := range ib.Objects {
		got = append(got, o.FullName())
		if o.Table != "" {
			t.Errorf("%s: physical table %q in a .cf model", o.FullName(), o.Table)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	types := func(o *Object) map[string]string {
		m := map[string]string{}
		for _, p := range o.AllProperties() {
			m[p.Name] = p.Type.Describe()
		}
		return m
	}
	simple := mustLookup(t, ib, "Справочник.ПростойСправочник")
	for name, typ := range map[string]string{
		"РеквизитДата": "Date(date)", "РеквизитВремя": "Date(time)", "РеквизитДатаВремя": "Date(datetime)",
		"РеквизитБулево": "Boolean", "РеквизитСтрокаФикс": "String(100,fixed)", "РеквизитСтрокаПерем": "String(321)",
		"РеквизитСтрокаМакс": "String", "РеквизитЧисло": "Number(10,2)", "РеквизитЧислоНеотрицательное": "Number(10,2)+",
		"РеквизитUUID": "UUID", "РеквизитХранилищеЗначения": "ValueStorage", "РеквизитСправочник": "Ref(1)",
		"РеквизитСоставной":        "Boolean | Number(10,0) | Date(date) | String(10) | Ref(1)",
		"РеквизитСоставнойСсылки":  "Ref(2)",
		"РеквизитСоставнойПростые": "Boolean | Number(10,0) | Date(date) | String(10)",
		"Код": "Number(8,0)", "Наименование": "String(32)",
	} {
		if g := types(simple)[name]; g != typ {
			t.Errorf("ПростойСправочник.%s: %q, want %q", name, g, typ)
		}
	}
	if len(simple.TabularSections) != 3 || len(simple.TabularSections[2].Attributes) != 3 {
		t.Errorf("ПростойСправочник tabular sections: %d", len(simple.TabularSections))
	}
	ref := simple.Attributes[11]
	if ref.Name != "РеквизитСправочник" || len(ref.Type.Refs) != 1 {
		t.Fatalf("РеквизитСправочник: %+v", ref)
	}
	if target, ok := ib.ObjectByUUID(ref.Type.Refs[0]); !ok || target.Kind != KindCatalog {
		t.Errorf("РеквизитСправочник points at %v", ref.Type.Refs[0])
	}

	hier := mustLookup(t, ib, "Catalog.СправочникИерархическийГруппы")
	if !hier.HierarchyGroups || types(hier)["ЭтоГруппа"] != "Boolean" {
		t.Error("hierarchical catalog with groups lacks ЭтоГруппа")
	}
	if _, ok := types(mustLookup(t, ib, "Catalog.СправочникИерархическийЭлементы"))["ЭтоГруппа"]; ok {
		t.Error("items-only hierarchy has ЭтоГруппа")
	}
	if o := mustLookup(t, ib, "Catalog.СправочникПодчинённыйСоставной"); len(o.Owners) != 2 {
		t.Errorf("composite owner: %d owners", len(o.Owners))
	}
	if ty := types(mustLookup(t, ib, "Catalog.СправочникБезКодаИНаименования")); ty["Код"] != "" || ty["Наименование"] != "" {
		t.Error("catalog without code and description has them")
	}
	if ty := types(mustLookup(t, ib, "Document.ДокументБезНомера")); ty["Номер"] != "" {
		t.Error("document without number has Номер")
	}
	if ty := types(mustLookup(t, ib, "Document.ОбычныйДокумент")); ty["Номер"] != "String(8)" {
		t.Errorf("Номер = %q", ty["Номер"])
	}

	periodic := mustLookup(t, ib, "РегистрСведений.ПериодическийРегистрСведений")
	if periodic.Periodicity == PeriodNone || periodic.UseRecorder || len(periodic.Dimensions) != 1 || len(periodic.Resources) != 1 {
		t.Errorf("periodic register: %+v", periodic)
	}
	if o := mustLookup(t, ib, "InformationRegister.ОбычныйРегистрСведений"); o.Periodicity != PeriodNone || o.UseRecorder {
		t.Errorf("ordinary register: periodicity %d recorder %v", o.Periodicity, o.UseRecorder)
	}
	if o := mustLookup(t, ib, "InformationRegister.РегистрСведенийОдинРегистратор"); !o.UseRecorder || len(o.Recorders) != 1 {
		t.Errorf("one-recorder register: %v %d", o.UseRecorder, len(o.Recorders))
	}
	if o := mustLookup(t, ib, "InformationRegister.РегистрСведенийМногоРегистраторов"); len(o.Recorders) < 2 {
		t.Errorf("many-recorder register: %d recorders", len(o.Recorders))
	}
	if o := mustLookup(t, ib, "РегистрНакопления.РегистрНакопленияОстатки"); o.RegisterKind != Balances || types(o)["ВидДвижения"] == "" {
		t.Error("balance register lacks ВидДвижения")
	}
	if o := mustLookup(t, ib, "AccumulationRegister.РегистрНакопленияОбороты"); o.RegisterKind != Turnovers || types(o)["ВидДвижения"] != "" {
		t.Error("turnover register wrong")
	}
	enum := mustLookup(t, ib, "Перечисление.Перечисление1")
	if len(enum.EnumValues) != 2 || enum.EnumValues[0].Name != "Значение1" || enum.EnumValues[1].Order != 1 {
		t.Errorf("enum values %+v", enum.EnumValues)
	}
	plan := mustLookup(t, ib, "ПланОбмена.ПланОбмена")
	if len(plan.ExchangeContent) != 2 || !plan.ExchangeContent[0].AutoRegistration || plan.ExchangeContent[1].AutoRegistration {
		t.Errorf("exchange content %+v", plan.ExchangeContent)
	}
	if c := mustLookup(t, ib, "Константа.Константа1"); c.ValueType == nil || c.ValueType.Describe() != "String(12)" {
		t.Errorf("Константа1 value type %v", c.ValueType)
	}
	if c := mustLookup(t, ib, "Constant.Константа2"); c.ValueType == nil || !c.ValueType.IsComposite() {
		t.Errorf("Константа2 value type %v", c.ValueType)
	}
	mustLookup(t, ib, "ПланВидовХарактеристик.ПланВидовХарактеристик1")
}

func mustLookup(t *testing.T, ib *Infobase, name string) *Object {
	t.Helper()
	o, err := ib.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestReadCFErrors(t *testing.T) {
	good := sample(t, "dajet-metadata-test-base.cf")
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", good[:20]},
		{"truncated", good[:len(good)/2]},
		{"bad block header", append(append([]byte{}, good[:16]...), []byte("XX00000180 00000200 7fffffff \r\n")...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCF(tc.data)
			if !errors.Is(err, ErrContainer) {
				t.Fatalf("err = %v, want ErrContainer", err)
			}
		})
	}
}

func FuzzReadCF(f *testing.F) {
	f.Add([]byte{})
	f.Add(append([]byte{0xff, 0xff, 0xff, 0x7f, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "\r\n0000000c 00000200 7fffffff \r\n"...))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := ReadCF(data)
		if err != nil {
			return
		}
		total := 0
		for _, b := range files {
			total += len(b)
		}
		if total > 64*len(data)+1024 {
			t.Fatalf("%d bytes out of %d in", total, len(data))
		}
		_, _ = Load(t.Context(), &memSource{config: files}, LoadOptions{Logger: discardLogger()})
	})
}
