package dialect

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/golang-sql/civil"
	mssql "github.com/microsoft/go-mssqldb"
)

// mssqlBulkOptions make bulk copy behave like INSERT: NULLs stay NULL
// instead of taking column defaults, and constraints and triggers apply.
var mssqlBulkOptions = mssql.BulkOptions{KeepNulls: true, CheckConstraints: true, FireTriggers: true}

// BulkInsert implements Dialect with TDS bulk copy (mssql.CopyIn). q must
// wrap a *sql.Tx or *sql.Conn: a bulk copy is bound to one connection.
// Version columns (rowversion) cannot be inserted and are refused.
func (d sqlServer) BulkInsert(ctx context.Context, q Querier, t Table, cols []Column, rows [][]any) (int64, error) {
	sq, ok := q.(sqlQuerier)
	if !ok {
		return 0, fmt.Errorf("bulk insert into %s: %T: %w", t.Name, q, ErrWrongQuerier)
	}
	if _, isPool := sq.db.(*sql.DB); isPool {
		return 0, fmt.Errorf("bulk insert into %s: needs a *sql.Tx or *sql.Conn, not a *sql.DB: %w", t.Name, ErrWrongQuerier)
	}
	if err := t.validate(cols); err != nil {
		return 0, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return 0, err
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		if c.Kind == Version {
			return 0, fmt.Errorf("bulk insert into %s: column %s is a rowversion: %w", t.Name, c.Name, ErrBadTable)
		}
		if _, err := d.QuoteIdent(c.Name); err != nil {
			return 0, err
		}
		names[i] = c.Name // bulk copy matches names exactly and quotes them itself
	}
	if len(rows) == 0 {
		return 0, nil
	}
	stmt, err := sq.db.PrepareContext(ctx, mssql.CopyIn(qt, mssqlBulkOptions, names...))
	if err != nil {
		return 0, fmt.Errorf("bulk insert into %s: prepare: %w", t.Name, err)
	}
	defer stmt.Close()
	vals := make([]any, len(cols))
	for i, r := range rows {
		if len(r) != len(cols) {
			return 0, fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns: %w", t.Name, i, len(r), len(cols), ErrBadTable)
		}
		for j, v := range r {
			vals[j] = mssqlBulkValue(v)
		}
		if _, err := stmt.ExecContext(ctx, vals...); err != nil {
			return 0, fmt.Errorf("bulk insert into %s: row %d: %w", t.Name, i, err)
		}
	}
	res, err := stmt.ExecContext(ctx)
	if err != nil {
		return 0, fmt.Errorf("bulk insert into %s: finish: %w", t.Name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("bulk insert into %s: rows affected: %w", t.Name, err)
	}
	return n, nil
}

// mssqlBulkValue adapts an Encode result to what bulk copy accepts: it
// takes datetime2 values as time.Time, not civil.DateTime.
func mssqlBulkValue(v any) any {
	if dt, ok := v.(civil.DateTime); ok {
		return dt.In(time.UTC)
	}
	return v
}
