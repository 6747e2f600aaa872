package queuesource

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// TestPGFastPathMatchesPGX decodes the same values through the fast path
// and through pgx's Values, both then through the dialect, and expects
// identical results.
func TestPGFastPathMatchesPGX(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testkit.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exprs := []struct {
		sql  string
		kind dialect.ColumnKind
	}{
		{"'Номенклатура'::text", dialect.String},
		{"'шт   '::text", dialect.FixedString},
		{"''::text", dialect.String},
		{"NULL::text", dialect.String},
		{"true", dialect.Bool},
		{"false", dialect.Bool},
		{"'\\x0102ff'::bytea", dialect.Bytes},
		{"5::int4", dialect.Int},
		{"-7::int8", dialect.Int},
		{"3::int2", dialect.Int},
		{"timestamp '2024-05-01 10:11:12.345678'", dialect.DateTime},
		{"timestamp '0001-01-01 00:00:00'", dialect.DateTime},
		{"timestamp '1999-12-31 23:59:59.999999'", dialect.DateTime},
		{"timestamp '4024-02-29 12:00:00'", dialect.DateTime},
	}
	for _, n := range []string{"0", "1", "-1", "12.340", "0.001", "-0.5", "10000", "99999999", "123456789012345678901234.5678",
		"-98765432109876543210", "0.00000001", "1e20", "100000000", "9999.9999", "1234567890123456.78"} {
		exprs = append(exprs, struct {
			sql  string
			kind dialect.ColumnKind
		}{fmt.Sprintf("%s::numeric", n), dialect.Numeric}, struct {
			sql  string
			kind dialect.ColumnKind
		}{fmt.Sprintf("%s::numeric(38,8)", n), dialect.Numeric})
	}
	sel := "SELECT "
	for i, e := range exprs {
		if i > 0 {
			sel += ", "
		}
		sel += e.sql
	}
	d := dialect.Postgres()
	for _, yearOffset := range []int{0, 2000} {
		rows, err := conn.Query(ctx, sel)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		slow, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		fast := make([]any, len(exprs))
		pr := newPGRows(rows)
		if err := pr.Scan(fast); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		for i, e := range exprs {
			col := dialect.Column{Name: "_Fld1", Kind: e.kind, Precision: 38, Scale: 8}
			if !pr.fast[i] {
				t.Errorf("%s: no fast path", e.sql)
			}
			want, werr := d.Decode(col, slow[i], yearOffset)
			got, gerr := d.Decode(col, fast[i], yearOffset)
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s: errors differ: pgx %v, fast %v", e.sql, werr, gerr)
				continue
			}
			wd, wok := want.(decimal.Decimal)
			gd, gok := got.(decimal.Decimal)
			switch {
			case wok && gok:
				if !wd.Equal(gd) || wd.String() != gd.String() {
					t.Errorf("%s: pgx %s, fast %s", e.sql, wd, gd)
				}
			case !reflect.DeepEqual(want, got):
				t.Errorf("%s: pgx %#v, fast %#v", e.sql, want, got)
			}
			if tw, ok := want.(time.Time); ok && tw.Location() != time.UTC {
				t.Errorf("%s: not UTC", e.sql)
			}
		}
	}
}

func TestPGNumericMalformed(t *testing.T) {
	for _, b := range [][]byte{nil, {0, 1, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0xC0, 0, 0, 0}, {0, 0, 0, 0, 0xD0, 0, 0, 0}} {
		if _, err := pgNumeric(b); err == nil {
			t.Errorf("%x accepted", b)
		}
	}
}

// FuzzPGNumeric: any bytes decode to a value or an error, never a panic.
func FuzzPGNumeric(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 5})
	f.Add([]byte{0, 2, 255, 255, 0x40, 0, 0, 4, 0, 1, 39, 15})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 8 && int(b[0])<<8|int(b[1]) > 1000 {
			return
		}
		_, _ = pgNumeric(b)
	})
}
