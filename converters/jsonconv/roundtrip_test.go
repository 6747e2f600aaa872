package jsonconv

import (
	"sync"
	"testing"

	"github.com/onecconnect/onecconnect/converters/convtest"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// TestRoundTripOneC sends the 1C-like record through every JSON setting.
// With the envelope the schema and every value come back equal; without it
// the struct comes back as a map of its JSON form.
func TestRoundTripOneC(t *testing.T) {
	s := schematest.OneCSchema()
	for _, props := range []map[string]string{nil, numeric, {"replace.null.with.default": "false"}} {
		c := configured(t, props)
		for seed := 0; seed < 5; seed++ {
			rec := schematest.OneCRecord(s, seed)
			convtest.RoundTripEqual(t, c, s, rec, s, rec)
		}
	}
	c := configured(t, schemaless)
	rec := schematest.OneCRecord(s, 3)
	_, gs, gv := convtest.RoundTrip(t, c, "t", s, rec)
	m, ok := gv.(map[string]any)
	if gs != nil || !ok || len(m) != 20 {
		t.Fatalf("schemaless read: %v %T", gs, gv)
	}
	if m["Комментарий"] != "Отгрузка «Ромашке», срочно — ёлки и Ёжики" || m["КоличествоМест"] != int64(12) || m["Вес"] != 125.5 {
		t.Errorf("schemaless values: %v", m)
	}
	rows := m["Товары"].([]any)
	if len(rows) != 10 || rows[9].(map[string]any)["НомерСтроки"] != int64(10) {
		t.Errorf("rows: %v", rows)
	}
}

// TestConcurrentUse checks the caches and buffer pool under the race
// detector (go test -race).
func TestConcurrentUse(t *testing.T) {
	s := schematest.OneCSchema()
	c := configured(t, map[string]string{"schemas.cache.size": "1"})
	other := schema.Int32().Name("x").MustBuild()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				rec := schematest.OneCRecord(s, i)
				b, err := c.FromConnect("t", nil, s, rec)
				if err != nil {
					t.Error(err)
					return
				}
				if _, v, err := c.ToConnect("t", nil, b); err != nil || !schema.ValuesEqual(v, rec) {
					t.Errorf("round trip: %v", err)
					return
				}
				if _, err := c.FromConnect("t", nil, other, int32(i)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
