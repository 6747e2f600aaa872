package onectest

import (
	"strings"
	"testing"
)

func TestSQLServerText(t *testing.T) {
	ddl, err := SQLServerDDL(Trade())
	if err != nil {
		t.Fatal(err)
	}
	l, _ := Plan(Trade())
	items, _ := l.Object("Справочник.Номенклатура")
	for _, want := range []string{
		"CREATE TABLE " + items.Table.Name + " (_IDRRef binary(16) NOT NULL, _Version timestamp NOT NULL, _Marked binary(1) NOT NULL, _PredefinedID binary(16) NOT NULL, _Code nvarchar(11) NOT NULL, _Description nvarchar(100) NOT NULL",
		"nchar(10)", "nvarchar(max)", "CREATE TABLE Config (",
	} {
		if !strings.Contains(ddl, want) {
			t.Errorf("DDL lacks %q", want)
		}
	}
	dml, err := SQLServerDML(Trade())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dml, "INSERT INTO Params (FileName, Creation, Modified, Attributes, DataSize, BinaryData, PartNo) VALUES (N'DBNames'") {
		t.Error("DML does not write DBNames")
	}
	if n := strings.Count(dml, "INSERT INTO "+items.Table.Name); n != 0 {
		t.Errorf("DML writes %d catalog rows, want 0", n)
	}
}

func TestPlanValidation(t *testing.T) {
	bad := []*Configuration{
		{},
		{Name: "x", Objects: []*Object{{Kind: Catalog, Name: "1bad"}}},
		{Name: "x", Objects: []*Object{{Kind: Catalog, Name: "A", Attributes: []Attribute{{Name: "R", Type: Ref("Справочник.Нет")}}}}},
		{Name: "x", Objects: []*Object{{Kind: Catalog, Name: "A", Attributes: []Attribute{{Name: "R", Type: Number(40, 0)}}}}},
		{Name: "x", Objects: []*Object{{Kind: AccumulationRegister, Name: "A", Resources: []Attribute{{Name: "R", Type: Number(10, 0)}}}}},
		{Name: "x", Objects: []*Object{{Kind: Enum, Name: "A"}}},
		{Name: "x", CompatibilityVersion: "8.3", Objects: nil},
	}
	for i, c := range bad {
		if _, err := Plan(c); err == nil {
			t.Errorf("case %d: Plan accepted a bad configuration", i)
		}
	}
}

func TestSyntheticSize(t *testing.T) {
	cfg := Synthetic(3000, 20)
	l, err := Plan(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fields := 0
	for _, e := range l.DBNames {
		if e.Token == "Fld" {
			fields++
		}
	}
	if fields != 60000 {
		t.Errorf("Synthetic(3000, 20) has %d Fld entries, want 60000", fields)
	}
	if _, _, err := l.Files(); err != nil {
		t.Fatal(err)
	}
}
