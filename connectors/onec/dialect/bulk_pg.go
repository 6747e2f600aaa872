package dialect

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgBulkRows is the most rows one INSERT … SELECT FROM unnest carries.
const pgBulkRows = 10000

// pgArrayType is the array type each kind travels in; strings travel as
// text[] and reach mchar/mvarchar columns through the assignment cast from
// text, so no binary mchar value is ever sent.
func pgArrayType(k ColumnKind) string {
	switch k {
	case Binary16, TypeCode, RTRef, Bytes:
		return "bytea[]"
	case Bool:
		return "boolean[]"
	case String, FixedString:
		return "text[]"
	case Numeric:
		return "numeric[]"
	case DateTime:
		return "timestamp[]"
	}
	return "int8[]" // Int, Version
}

// bulkInsertSQL builds INSERT INTO t (cols) SELECT * FROM unnest($1::T1[], …).
func (d postgres) bulkInsertSQL(t Table, cols []Column) (string, error) {
	if err := t.validate(cols); err != nil {
		return "", err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return "", err
	}
	qcols, err := quoteAll(d, colNames(cols))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + qt + " (" + strings.Join(qcols, ", ") + ") SELECT * FROM unnest(")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d::%s", i+1, pgArrayType(c.Kind))
	}
	b.WriteString(")")
	return b.String(), nil
}

// BulkInsert implements Dialect. When the handle is bound to one
// connection (pgx.Tx, *pgx.Conn) it streams COPY … FROM STDIN in text
// format straight into the table: text input works for mchar/mvarchar
// whatever their OIDs and binary format (pgx's CopyFrom speaks binary
// only, and the real mchar binary format is UTF-16). A pool has no
// connection to COPY on, so it gets INSERT … SELECT FROM unnest of one typed
// array per column, up to pgBulkRows rows per statement; COPY measured
// about twice as fast (pg_bench_test.go). Either way the insert is atomic
// per statement; run it in a transaction to make the whole call atomic.
func (d postgres) BulkInsert(ctx context.Context, q Querier, t Table, cols []Column, rows [][]any) (int64, error) {
	pq, ok := q.(pgxQuerier)
	if !ok {
		return 0, fmt.Errorf("bulk insert into %s: %T: %w", t.Name, q, ErrWrongQuerier)
	}
	if pc := pgConnOf(pq.db); pc != nil {
		return d.copyText(ctx, pc, t, cols, rows)
	}
	return d.insertUnnest(ctx, pq, t, cols, rows)
}

// pgConnOf returns the single connection behind a pgx handle, or nil for a
// pool.
func pgConnOf(db PGXDB) *pgconn.PgConn {
	switch h := db.(type) {
	case interface{ PgConn() *pgconn.PgConn }: // *pgx.Conn
		return h.PgConn()
	case interface{ Conn() *pgx.Conn }: // pgx.Tx, *pgxpool.Conn
		if c := h.Conn(); c != nil {
			return c.PgConn()
		}
	}
	return nil
}

// copyText streams rows through COPY … FROM STDIN (text format).
func (d postgres) copyText(ctx context.Context, pc *pgconn.PgConn, t Table, cols []Column, rows [][]any) (int64, error) {
	if err := t.validate(cols); err != nil {
		return 0, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return 0, err
	}
	qcols, err := quoteAll(d, colNames(cols))
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	r := &copyTextReader{t: t, cols: cols, rows: rows}
	tag, err := pc.CopyFrom(ctx, r, "COPY "+qt+" ("+strings.Join(qcols, ", ")+") FROM STDIN")
	if r.err != nil {
		return 0, r.err
	}
	if err != nil {
		return 0, fmt.Errorf("bulk insert into %s: copy: %w", t.Name, err)
	}
	return tag.RowsAffected(), nil
}

// insertUnnest inserts rows with INSERT … SELECT FROM unnest(…).
func (d postgres) insertUnnest(ctx context.Context, pq pgxQuerier, t Table, cols []Column, rows [][]any) (int64, error) {
	query, err := d.bulkInsertSQL(t, cols)
	if err != nil {
		return 0, err
	}
	var total int64
	for start := 0; start < len(rows); start += pgBulkRows {
		chunk := rows[start:min(start+pgBulkRows, len(rows))]
		args, err := pgColumnArrays(t, cols, chunk)
		if err != nil {
			return total, err
		}
		tag, err := pq.db.Exec(ctx, query, args...)
		if err != nil {
			return total, fmt.Errorf("bulk insert into %s: %w", t.Name, err)
		}
		total += tag.RowsAffected()
	}
	return total, nil
}

// pgColumnArrays transposes rows (values in database form, as Encode
// returns them) into one array per column.
func pgColumnArrays(t Table, cols []Column, rows [][]any) ([]any, error) {
	for i, r := range rows {
		if len(r) != len(cols) {
			return nil, fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns: %w", t.Name, i, len(r), len(cols), ErrBadTable)
		}
	}
	args := make([]any, len(cols))
	for j, c := range cols {
		bad := func(i int, v any) error {
			return fmt.Errorf("bulk insert into %s: row %d: %w", t.Name, i, encodeErr(c, v, "not in database form (use Encode)", nil))
		}
		switch c.Kind {
		case Binary16, TypeCode, RTRef, Bytes:
			a := make([][]byte, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case nil:
				case []byte:
					if v == nil {
						v = []byte{} // a nil slice would be NULL
					}
					a[i] = v
				default:
					return nil, bad(i, v)
				}
			}
			args[j] = a
		case Bool:
			a := make([]pgtype.Bool, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case nil:
				case bool:
					a[i] = pgtype.Bool{Bool: v, Valid: true}
				default:
					return nil, bad(i, v)
				}
			}
			args[j] = a
		case String, FixedString:
			a := make([]pgtype.Text, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case nil:
				case string:
					a[i] = pgtype.Text{String: v, Valid: true}
				default:
					return nil, bad(i, v)
				}
			}
			args[j] = a
		case Numeric:
			a := make([]pgtype.Numeric, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case nil:
				case pgtype.Numeric:
					a[i] = v
				default:
					return nil, bad(i, v)
				}
			}
			args[j] = a
		case DateTime:
			a := make([]pgtype.Timestamp, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case nil:
				case time.Time:
					a[i] = pgtype.Timestamp{Time: v, Valid: true}
				default:
					return nil, bad(i, v)
				}
			}
			args[j] = a
		default: // Int, Version
			a := make([]pgtype.Int8, len(rows))
			for i, r := range rows {
				if r[j] == nil {
					continue
				}
				n, ok := toInt64(r[j])
				if !ok {
					return nil, bad(i, r[j])
				}
				a[i] = pgtype.Int8{Int64: n, Valid: true}
			}
			args[j] = a
		}
	}
	return args, nil
}
