package avro

import (
	"testing"

	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestRoundTripOneCRecord(t *testing.T) {
	c, srv := newTestConverter(t, false, nil)
	s := schematest.OneCSchema()
	for seed := range 3 {
		rec := schematest.OneCRecord(s, seed)
		data, err := c.FromConnect("sales", nil, s, rec)
		if err != nil {
			t.Fatalf("FromConnect: %v", err)
		}
		gs, gv, err := c.ToConnect("sales", nil, data)
		if err != nil {
			t.Fatalf("ToConnect: %v", err)
		}
		if !gs.Equal(s) {
			t.Fatalf("schema differs after round trip:\n got %v\nwant %v", gs, s)
		}
		st, ok := gv.(*schema.Struct)
		if !ok {
			t.Fatalf("value is %T", gv)
		}
		if !schema.ValuesEqual(st, rec) {
			t.Fatalf("value differs after round trip:\n got %v\nwant %v", st, rec)
		}
	}
	if got := srv.Subjects()["sales-value"]; len(got) != 1 {
		t.Fatalf("subjects: %v", srv.Subjects())
	}
	text, _ := srv.Schema(1)
	t.Logf("schema: %s", text)
}
