package transforms

import (
	"testing"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

// BenchmarkChain5 runs a five-transform chain over the 1C-like record (20
// fields, a 10-row tabular section). The target is ≤ 1 µs per transform per
// record: ns/op / 5.
func BenchmarkChain5(b *testing.B) {
	chain := []connect.Transformation{
		newTransform(b, "InsertField$Value", map[string]string{"topic.field": "Топик", "static.field": "Источник", "static.value": "УТ"}),
		newTransform(b, "ReplaceField$Value", map[string]string{"exclude": "Вложение", "renames": "Номер:number"}),
		newTransform(b, "MaskField$Value", map[string]string{"fields": "Комментарий"}),
		newTransform(b, "Cast$Value", map[string]string{"spec": "КоличествоМест:string"}),
		newTransform(b, "TopicTransliterate", map[string]string{}),
	}
	s := schematest.OneCSchema()
	v := schematest.OneCRecord(s, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := &connect.Record{Topic: "Документ.РеализацияТоваровУслуг", ValueSchema: s, Value: v, Offset: -1}
		for _, tr := range chain {
			var err error
			if r, err = tr.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
}
