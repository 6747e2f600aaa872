package metadata

import (
	"context"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

const (
	catType = "cf4abea6-37b2-11d4-940f-008048da11f9"
	catA    = "817a5bb8-dd88-43a9-8100-dc08fb77869d"
	fldName = "7e82a57f-9c6e-412d-8c18-6653bdc8d8db"
)

// catalogDescriptor builds a minimal catalog descriptor in S7's shape (§5).
func catalogDescriptor(uuid, name string, attrs ...[2]string) []byte {
	hdr := make([]*brace.Node, 38)
	for i := range hdr {
		hdr[i] = brace.N(0)
	}
	hdr[3] = brace.B("aaaaaaaa-0000-0000-0000-" + uuid[24:])
	hdr[9] = brace.L(brace.N(0), brace.L(brace.N(3), brace.L(brace.N(1), brace.N(0), brace.B(uuid)), brace.S(name),
		brace.L(brace.N(1), brace.S("ru"), brace.S(name+" синоним")), brace.S("")))
	hdr[12] = brace.L(brace.N(0), brace.N(0))
	hdr[17], hdr[18], hdr[19] = brace.N(9), brace.N(1), brace.N(25)
	items := []*brace.Node{brace.B("cf4abea7-37b2-11d4-940f-008048da11f9"), brace.N(len(attrs))}
	for _, a := range attrs {
		items = append(items, brace.L(brace.L(brace.N(6), brace.L(brace.N(27), brace.L(brace.N(2),
			brace.L(brace.N(3), brace.L(brace.N(1), brace.N(0), brace.B(a[0])), brace.S(a[1]), brace.L(brace.N(0))),
			brace.L(brace.S("Pattern"), brace.L(brace.S("S"), brace.N(10), brace.N(1))))))))
	}
	d := brace.L(brace.N(1), brace.L(hdr...), brace.N(1), brace.L(items...))
	return DeflateBody(brace.MarshalFile(d))
}

func dbnamesBody(entries ...string) []byte {
	return DeflateBody([]byte("\xEF\xBB\xBF{100,{" + strings.Join(append([]string{itoa(len(entries))}, entries...), ",") + "}}"))
}

func TestLoadPostgresNamesAndRefresh(t *testing.T) {
	root, main := syntheticMain(80501, map[string][]string{catType: {catA}})
	src := &memSource{dbms: DBMSPostgres, fingerprint: "v1",
		config: map[string][]byte{"root": root, testMainUUID: main, catA: catalogDescriptor(catA, "DevOpsTest", [2]string{fldName, "Имя"})},
		params: map[string][]byte{"DBNames": dbnamesBody(`{`+catA+`,"Reference",53}`, `{`+fldName+`,"Fld",54}`)},
	}
	r, err := NewReader(context.Background(), src, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	old := r.Snapshot()
	o, err := old.Lookup("Справочник.DevOpsTest")
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, c := range o.Columns() {
		cols = append(cols, c.Name)
	}
	if got := strings.Join(cols, ","); got != "_idrref,_version,_marked,_predefinedid,_code,_description,_fld54" || o.Table != "_reference53" {
		t.Fatalf("table %s columns %s", o.Table, got)
	}
	if changed, err := r.Refresh(context.Background()); err != nil || changed {
		t.Fatalf("unchanged refresh: %v %v", changed, err)
	}
	// A configuration change: a new attribute, and a new fingerprint.
	src.config[catA] = catalogDescriptor(catA, "DevOpsTest", [2]string{fldName, "Имя"}, [2]string{"7b388534-c9ac-4ad0-a440-6856fadc155a", "Фамилия"})
	src.params["DBNames"] = dbnamesBody(`{`+catA+`,"Reference",53}`, `{`+fldName+`,"Fld",54}`, `{7b388534-c9ac-4ad0-a440-6856fadc155a,"Fld",55}`)
	src.fingerprint = "v2"
	if changed, err := r.Refresh(context.Background()); err != nil || !changed {
		t.Fatalf("refresh: %v %v", changed, err)
	}
	if n := len(mustLookup(t, r.Snapshot(), "Catalog.DevOpsTest").Attributes); n != 2 {
		t.Errorf("new snapshot has %d attributes", n)
	}
	if n := len(o.Attributes); n != 1 || old.Fingerprint != "v1" {
		t.Errorf("old snapshot changed: %d attributes", n)
	}
}

func TestPerObjectFailure(t *testing.T) {
	bad := "90f3ad9f-af69-4dd6-9c2e-e29df15e7b90"
	root, main := syntheticMain(80303, map[string][]string{catType: {catA, bad}})
	src := &memSource{dbms: DBMSSQLServer,
		config: map[string][]byte{"root": root, testMainUUID: main, catA: catalogDescriptor(catA, "Good"),
			bad: DeflateBody([]byte("{1,{oops"))},
		params: map[string][]byte{"DBNames": dbnamesBody(`{` + catA + `,"Reference",53}`)},
	}
	ib, err := Load(context.Background(), src, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if len(ib.Objects) != 1 || len(ib.Problems) != 1 || ib.Problems[0].UUID.String() != bad {
		t.Fatalf("objects %d problems %v", len(ib.Objects), ib.Problems)
	}
	if !strings.Contains(ib.Problems[0].Error(), bad) {
		t.Errorf("problem does not name the UUID: %v", ib.Problems[0])
	}
	if o := mustLookup(t, ib, "Catalog.Good"); o.Table != "_Reference53" {
		t.Errorf("table %s", o.Table)
	}
}

func TestAppendPartJoinsInOrder(t *testing.T) {
	out, next := map[string][]byte{}, map[string]int{}
	if err := appendPart(out, next, "f", 0, 2, []byte("abXX")); err != nil {
		t.Fatal(err)
	}
	if err := appendPart(out, next, "f", 1, 3, []byte("cde")); err != nil {
		t.Fatal(err)
	}
	if string(out["f"]) != "abcde" {
		t.Fatalf("joined %q", out["f"])
	}
	if err := appendPart(out, next, "f", 3, 1, []byte("x")); err == nil {
		t.Error("missing part accepted")
	}
	if err := appendPart(out, next, "g", 0, 5, []byte("x")); err == nil {
		t.Error("DataSize beyond data accepted")
	}
}

func TestSQLText(t *testing.T) {
	q, args := msDialect.files(TableConfig, []string{"root", "abc"})
	if q != "SELECT FileName, PartNo, CAST(DataSize AS bigint), BinaryData FROM Config WHERE FileName IN (@p1,@p2) ORDER BY FileName, PartNo" || len(args) != 2 {
		t.Errorf("mssql: %s %v", q, args)
	}
	q, args = pgDialect.files(TableParams, []string{"DBNames"})
	if q != "SELECT filename::text, partno, datasize, binarydata FROM params WHERE filename::text = ANY($1::text[]) ORDER BY filename::text, partno" || len(args) != 1 {
		t.Errorf("pg: %s %v", q, args)
	}
	for _, q := range []string{msDialect.yearOffset, pgDialect.yearOffset, msDialect.fingerprint, pgDialect.fingerprint} {
		if strings.Contains(strings.ToLower(q), "configsave") {
			t.Errorf("reads ConfigSave: %s", q)
		}
	}
}

func TestInflateBody(t *testing.T) {
	plain := []byte("\xEF\xBB\xBF{1}")
	if b, err := InflateBody(plain); err != nil || string(b) != "{1}" {
		t.Fatalf("plain: %q %v", b, err)
	}
	if b, err := InflateBody(DeflateBody(plain)); err != nil || string(b) != "{1}" {
		t.Fatalf("deflated: %q %v", b, err)
	}
	zlibHeader, _ := hex.DecodeString("789c")
	if _, err := InflateBody(append(zlibHeader, 0xff, 0xff)); err == nil {
		t.Error("garbage inflated")
	}
}

func TestYearOffset(t *testing.T) {
	ib := &Infobase{YearOffset: 2000}
	d := mustDate(t, "4025-03-01T10:00:00Z")
	if got := ib.DateFromDB(d); got.Year() != 2025 || ib.DateToDB(got) != d {
		t.Errorf("offset: %v", got)
	}
	if (&Infobase{YearOffset: -1}).DateFromDB(d) != d {
		t.Error("unknown offset changed the date")
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
