package metadata

import "testing"

func FuzzParseDBNames(f *testing.F) {
	f.Add([]byte(`{58,{2,{00000000-0000-0000-0000-000000000000,"DbSegments",1},{817a5bb8-dd88-43a9-8100-dc08fb77869d,"Reference",53}}}`))
	f.Add([]byte(`{1,{0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDBNames(data)
		if err != nil {
			return
		}
		for _, e := range d.Entries {
			if got, ok := d.ByCode(e.Code); !ok || got != e {
				t.Fatalf("ByCode(%d) = %+v", e.Code, got)
			}
		}
	})
}

func BenchmarkParseDBNames(b *testing.B) {
	data := sample(b, "DBNames.txt")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDBNames(data); err != nil {
			b.Fatal(err)
		}
	}
}
