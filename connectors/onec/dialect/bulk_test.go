package dialect

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestAppendCopyText(t *testing.T) {
	tbl := Table{Name: "_Reference1", Columns: []Column{
		{Name: "_IDRRef", Kind: Binary16}, {Name: "_Marked", Kind: Bool}, {Name: "_Description", Kind: String},
		{Name: "_Fld2", Kind: Numeric}, {Name: "_Fld3", Kind: DateTime}, {Name: "_Version", Kind: Version}, {Name: "_Fld4", Kind: Bytes},
	}}
	row := []any{[]byte{0xab, 0x01}, true, "a\tb\nc\\d\re", pgtype.Numeric{Int: big.NewInt(-150), Exp: -2, Valid: true},
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), int64(3), nil}
	got, err := appendCopyText(nil, tbl, tbl.Columns, row, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := `\\xab01` + "\tt\t" + `a\tb\nc\\d\re` + "\t-150e-2\t0001-01-01 00:00:00\t3\t" + `\N` + "\n"
	if string(got) != want {
		t.Errorf("COPY text = %q, want %q", got, want)
	}
	row[3] = "1.5" // not database form
	if _, err := appendCopyText(nil, tbl, tbl.Columns, row, 0); !errors.Is(err, ErrEncode) {
		t.Errorf("wrong form: %v", err)
	}
	if _, err := appendCopyText(nil, tbl, tbl.Columns, row[:2], 0); !errors.Is(err, ErrBadTable) {
		t.Errorf("short row: %v", err)
	}
}

// TestCopyTextReader streams many rows in small reads and stops with the
// encoding error of a bad row.
func TestCopyTextReader(t *testing.T) {
	tbl := Table{Name: "_Reference1", Columns: []Column{{Name: "_Description", Kind: String}}}
	var rows [][]any
	for range 20000 {
		rows = append(rows, []any{"0123456789"})
	}
	r := &copyTextReader{t: tbl, cols: tbl.Columns, rows: rows}
	b, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil || len(b) != 20000*11 || strings.Count(string(b), "\n") != 20000 {
		t.Fatalf("read %d bytes, %v", len(b), err)
	}
	rows[15000] = []any{5}
	r = &copyTextReader{t: tbl, cols: tbl.Columns, rows: rows}
	if _, err := io.ReadAll(r); !errors.Is(err, ErrEncode) {
		t.Fatalf("bad row: %v", err)
	}
}

func TestBulkInsertRefusals(t *testing.T) {
	ctx := context.Background()
	cat := catalogTable()
	if _, err := SQLServer().BulkInsert(ctx, PGX(nil), cat, cat.Columns, nil); !errors.Is(err, ErrWrongQuerier) {
		t.Errorf("pgx querier on sqlserver: %v", err)
	}
	if _, err := Postgres().BulkInsert(ctx, SQL(nil), cat, cat.Columns, nil); !errors.Is(err, ErrWrongQuerier) {
		t.Errorf("sql querier on postgres: %v", err)
	}
	db, err := sql.Open("sqlserver", "sqlserver://127.0.0.1:1?database=none")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := SQLServer().BulkInsert(ctx, SQL(db), cat, cat.Columns[2:3], [][]any{{[]byte{1}}}); !errors.Is(err, ErrWrongQuerier) {
		t.Errorf("*sql.DB: %v", err)
	}
	tx := &sql.Tx{} // never used: the column check comes first
	if _, err := SQLServer().BulkInsert(ctx, SQL(tx), cat, cat.Columns[:2], [][]any{{[]byte{1}, []byte{2}}}); !errors.Is(err, ErrBadTable) {
		t.Errorf("rowversion column: %v", err)
	}
}
