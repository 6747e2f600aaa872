package avro

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// FuzzToConnect feeds arbitrary bytes to the decoder under the schemas of
// the 1C record (id 1), the nullable-decimal record (id 2) and the mapping
// cases (id 3): every input must give a value or an error, never a panic.
func FuzzToConnect(f *testing.F) {
	c, _ := newTestConverter(f, false, nil)
	s := schematest.OneCSchema()
	seed, err := c.FromConnect("fuzz", nil, s, schematest.OneCRecord(s, 1))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	ds := nullableDecimalSchema()
	seed2, err := c.FromConnect("fuzz2", nil, ds, schema.NewStruct(ds).MustPut("Цена", decimal.New(-12345, -2)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed2)
	ms := schema.StructBuilder().
		Field("m", schema.Map(schema.Int32().MustBuild(), schema.String().MustBuild()).MustBuild()).
		Field("e", schema.Array(schema.StructBuilder().Name("Empty").MustBuild()).MustBuild()).
		MustBuild()
	seed3, err := c.FromConnect("fuzz3", nil, ms, schema.NewStruct(ms).
		MustPut("m", map[any]any{int32(1): "a"}).MustPut("e", []any{}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed3)
	f.Add([]byte{0, 0, 0, 0, 1})
	f.Add([]byte{0, 0, 0, 0, 3, 0x01, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) >= 5 && data[0] == 0 {
			data[1], data[2], data[3] = 0, 0, 0
			data[4] = 1 + data[4]%3 // only registered ids: no registry round trips
		}
		gs, v, err := c.ToConnect("fuzz", nil, data)
		if err != nil {
			return
		}
		if v != nil {
			if verr := schema.Validate(gs, v); verr != nil {
				t.Fatalf("decoded value does not fit its schema: %v", verr)
			}
		}
	})
}
