package rowmap

import (
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// benchRows reads the Trade rows of one object the way the golden test
// does (pgx, strings as ::text) and returns its mapper.
func benchRows(b *testing.B, fullName string, opts Options) (*ObjectMapper, [][]any, []map[string][][]any) {
	b.Helper()
	ctx, conn, _, ib := tradeDB(b)
	m, err := New(ib, opts)
	if err != nil {
		b.Fatal(err)
	}
	o, err := ib.Lookup(fullName)
	if err != nil {
		b.Fatal(err)
	}
	om, err := m.Object(o)
	if err != nil {
		b.Fatal(err)
	}
	rows, sections := readObject(b, ctx, conn, om)
	if len(rows) == 0 {
		b.Fatal("no rows")
	}
	return om, rows, sections
}

func benchStruct(b *testing.B, fullName string, withSections bool) {
	om, rows, sections := benchRows(b, fullName, Options{Schema: metadata.SchemaOptions{DecimalHandling: metadata.DecimalPrecise}})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := i % len(rows)
		var secs map[string][][]any
		if withSections {
			secs = sections[j]
		}
		if _, err := om.Struct(rows[j], secs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkObjectStruct maps one catalog row (references, enum reference,
// decimals, strings) per op.
func BenchmarkObjectStruct(b *testing.B) {
	benchStruct(b, "Справочник.Номенклатура", false)
}

// BenchmarkDocumentStruct maps one document row (dates, references, a
// composite) with its tabular section per op.
func BenchmarkDocumentStruct(b *testing.B) {
	benchStruct(b, "Документ.РеализацияТоваровУслуг", true)
}
