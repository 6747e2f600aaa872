package dialect

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier runs statements built by a Dialect. Make one with PGX or SQL
// around the caller's handle; the caller keeps owning the handle and any
// transaction. A Querier is as safe for concurrent use as its handle (a
// pool is, a transaction is not).
type Querier interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, sql string, args ...any) (int64, error)
	// Query runs a statement that returns rows.
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
}

// Rows iterates a result set. Close it when done (it is safe to call twice).
type Rows interface {
	// Next advances to the next row; it returns false at the end or on
	// error (see Err).
	Next() bool
	// Scan stores the current row's raw driver values in dst, one per
	// selected column, ready for Dialect.Decode. Values stay valid after
	// Next.
	Scan(dst []any) error
	// Err returns the error that ended the iteration, if any.
	Err() error
	// Close releases the result set.
	Close() error
}

// PGXDB is what PGX needs of a pgx handle: pgx.Tx, *pgx.Conn and
// *pgxpool.Pool all have these methods.
type PGXDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// PGX wraps a pgx handle as a Querier for the postgres dialect. Its Rows
// give what pgx's Rows.Values decodes.
func PGX(db PGXDB) Querier { return pgxQuerier{db: db} }

// PGXFast wraps a pgx handle as a Querier like PGX, whose Rows decode the
// columns from their wire bytes with a PGRowDecoder: the same canonical
// values after Decode, at a fraction of the cost. Use it on read paths
// that scan many rows.
func PGXFast(db PGXDB) Querier { return pgxQuerier{db: db, fast: true} }

type pgxQuerier struct {
	db   PGXDB
	fast bool // Rows decode with a PGRowDecoder
}

func (q pgxQuerier) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := q.db.Exec(ctx, sql, args...)
	if err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}

func (q pgxQuerier) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	rows, err := q.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	if q.fast {
		return NewPGXRows(rows), nil
	}
	return &pgxRows{rows: rows}, nil
}

type pgxRows struct{ rows pgx.Rows }

func (r *pgxRows) Next() bool { return r.rows.Next() }
func (r *pgxRows) Err() error { return r.rows.Err() }
func (r *pgxRows) Close() error {
	r.rows.Close()
	return r.rows.Err()
}

func (r *pgxRows) Scan(dst []any) error {
	vals, err := r.rows.Values()
	if err != nil {
		return err
	}
	if len(vals) != len(dst) {
		return fmt.Errorf("scan: row has %d columns, %d destinations: %w", len(vals), len(dst), ErrBadTable)
	}
	copy(dst, vals)
	return nil
}

// SQLDB is what SQL needs of a database/sql handle: *sql.Tx, *sql.Conn and
// *sql.DB all have these methods. Bulk copy needs one connection, so give
// BulkInsert a *sql.Tx or *sql.Conn, not a *sql.DB.
type SQLDB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// SQL wraps a database/sql handle (go-mssqldb) as a Querier for the
// sqlserver dialect.
func SQL(db SQLDB) Querier { return sqlQuerier{db: db} }

type sqlQuerier struct{ db SQLDB }

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := q.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return &sqlRows{rows: rows}, nil
}

type sqlRows struct {
	rows *sql.Rows
	ptrs []any
	vals []any
}

func (r *sqlRows) Next() bool   { return r.rows.Next() }
func (r *sqlRows) Err() error   { return r.rows.Err() }
func (r *sqlRows) Close() error { return r.rows.Close() }

func (r *sqlRows) Scan(dst []any) error {
	if len(r.ptrs) != len(dst) {
		r.vals = make([]any, len(dst))
		r.ptrs = make([]any, len(dst))
		for i := range r.vals {
			r.ptrs[i] = &r.vals[i]
		}
	}
	// database/sql copies []byte into *any destinations, so values stay
	// valid after Next.
	if err := r.rows.Scan(r.ptrs...); err != nil {
		return err
	}
	copy(dst, r.vals)
	return nil
}
