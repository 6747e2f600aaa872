package dialect

import (
	"math/big"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// benchRow is a 10-column 1C-like row as each driver returns it.
func benchRow(b *testing.B, d Dialect) ([]Column, []any) {
	cols := []Column{
		{Name: "_IDRRef", Kind: Binary16},
		{Name: "_Version", Kind: Version},
		{Name: "_Marked", Kind: Bool},
		{Name: "_PredefinedID", Kind: Binary16},
		{Name: "_Code", Kind: FixedString, Length: 9},
		{Name: "_Description", Kind: String, Length: 25},
		{Name: "_Fld54", Kind: Numeric, Precision: 15, Scale: 3},
		{Name: "_Fld55", Kind: DateTime},
		{Name: "_Fld56RRef", Kind: Binary16},
		{Name: "_Fld57", Kind: Numeric, Precision: 10},
	}
	ref := unhex(b, "9412080027b9b2bd11f1b0fdff19dcc1")
	ts := time.Date(4025, 3, 1, 10, 30, 15, 0, time.UTC)
	if d.Name() == NamePostgres {
		return cols, []any{ref, int32(0), false, make([]byte, 16), "000000001", "Номенклатура 1", pgtype.Numeric{Int: big.NewInt(1234567), Exp: -3, Valid: true}, ts, ref, pgtype.Numeric{Int: big.NewInt(42), Valid: true}}
	}
	return cols, []any{ref, []byte{0, 0, 0, 0, 0, 0, 7, 0xd1}, []byte{0}, make([]byte, 16), "000000001", "Номенклатура 1", []byte("1234.567"), ts, ref, []byte("42")}
}

// BenchmarkDecodeRow decodes one 10-column row per iteration; the
// ns/op is the per-row decoding budget (compare with the ~0.6 µs per row
// of pgx's own scanning at 1.5 M rows/s, toolchain-notes.md).
func BenchmarkDecodeRow(b *testing.B) {
	for _, d := range []Dialect{Postgres(), SQLServer()} {
		b.Run(d.Name(), func(b *testing.B) {
			cols, raw := benchRow(b, d)
			dst := make([]any, len(cols))
			b.ReportAllocs()
			for b.Loop() {
				if err := DecodeRow(d, cols, raw, 2000, dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
