package dialect_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// TestPGXFastMatchesPGX reads values of every type 1C uses on PostgreSQL
// (and a few it does not) from a real server through PGX and PGXFast and
// expects Decode to give identical values for both, numerics with the
// same coefficient and exponent.
func TestPGXFastMatchesPGX(t *testing.T) {
	ctx, conn, _ := pgSetup(t)
	type expr struct {
		sql  string
		kind dialect.ColumnKind
	}
	exprs := []expr{
		{"'Номенклатура'::text", dialect.String},
		{"'шт   '::text", dialect.FixedString},
		{"''::text", dialect.String},
		{"NULL::text", dialect.String},
		{"'abc'::varchar(10)", dialect.String},
		{"'ab'::char(5)", dialect.FixedString},
		{"'код'::mchar(9)", dialect.FixedString}, // unknown OID: left to pgx
		{"'Описание'::mvarchar(25)", dialect.String},
		{"true", dialect.Bool},
		{"false", dialect.Bool},
		{"NULL::boolean", dialect.Bool},
		{"'\\x0102ff'::bytea", dialect.Bytes},
		{"''::bytea", dialect.Bytes},
		{"NULL::bytea", dialect.Binary16},
		{"'\\x08'::bytea", dialect.TypeCode},
		{"'\\x00000035'::bytea", dialect.RTRef},
		{"'\\x9412b0fd11f1b0fd0000000000000001'::bytea", dialect.Binary16},
		{"5::int4", dialect.Int},
		{"123456::int4", dialect.Version},
		{"-7::int8", dialect.Int},
		{"3::int2", dialect.Int},
		{"42::oid", dialect.Int}, // not decoded directly: left to pgx
		{"timestamp '2024-05-01 10:11:12.345678'", dialect.DateTime},
		{"timestamp '0001-01-01 00:00:00'", dialect.DateTime},
		{"timestamp '1999-12-31 23:59:59.999999'", dialect.DateTime},
		{"timestamp '4024-02-29 12:00:00'", dialect.DateTime},
		{"timestamptz '2024-05-01 10:11:12.5+03'", dialect.DateTime},
		{"NULL::timestamp", dialect.DateTime},
	}
	for _, n := range []string{"0", "0.000", "1", "-1", "12.340", "0.001", "-0.5", "10000", "99999999", "123456789012345678901234.5678",
		"-98765432109876543210", "0.00000001", "1e20", "100000000", "9999.9999", "1234567890123456.78", "1000000000000000000000",
		"99999999999999999999999999999.99999999", "-0.00000000000000000001"} {
		exprs = append(exprs, expr{n + "::numeric", dialect.Numeric}, expr{n + "::numeric(38,8)", dialect.Numeric},
			expr{fmt.Sprintf("(%s::numeric(38,8))::numeric(38,2)", n), dialect.Numeric})
	}
	var sel []string
	for _, e := range exprs {
		sel = append(sel, e.sql)
	}
	query := "SELECT " + strings.Join(sel, ", ")
	d := dialect.Postgres()
	read := func(q dialect.Querier) []any {
		rows, err := q.Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		raw := make([]any, len(exprs))
		if err := rows.Scan(raw); err != nil {
			t.Fatal(err)
		}
		return raw
	}
	slow, fast := read(dialect.PGX(conn)), read(dialect.PGXFast(conn))
	for i, e := range exprs {
		// The fast rows decode numerics themselves (pgx gives pgtype.Numeric).
		if _, ok := fast[i].(decimal.Decimal); e.kind == dialect.Numeric && !ok {
			t.Fatalf("%s: PGXFast gave %T, not decoded from the wire", e.sql, fast[i])
		}
	}
	for _, yearOffset := range []int{0, 2000} {
		for i, e := range exprs {
			col := dialect.Column{Name: "_Fld1", Kind: e.kind, Precision: 38, Scale: 8}
			want, werr := d.Decode(col, slow[i], yearOffset)
			got, gerr := d.Decode(col, fast[i], yearOffset)
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s: errors differ: pgx %v, fast %v", e.sql, werr, gerr)
				continue
			}
			if wd, ok := want.(decimal.Decimal); ok {
				gd, ok := got.(decimal.Decimal)
				if !ok || wd.Exponent() != gd.Exponent() || wd.Coefficient().Cmp(gd.Coefficient()) != 0 {
					t.Errorf("%s: pgx %s (exp %d), fast %v", e.sql, wd, wd.Exponent(), got)
				}
				continue
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%s: pgx %#v, fast %#v", e.sql, want, got)
			}
		}
	}
}
