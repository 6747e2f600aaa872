package dialect

import (
	"context"
	"fmt"
	"strings"
)

// Dialect builds SQL for one database engine and converts values between
// its driver and canonical Go values. Implementations are stateless and
// safe for concurrent use.
//
// Every method that builds SQL quotes identifiers with QuoteIdent (and so
// refuses names that are not 1C-shaped) and passes every value as a
// parameter. Values going into SQL (after, keys, Eq.Value, bulk rows) are in
// database form, as Encode returns them.
type Dialect interface {
	// Name returns "postgres" or "sqlserver".
	Name() string
	// QuoteIdent quotes a table, column or sequence name, optionally
	// qualified by a schema ("dbo._Reference12"). It refuses names that
	// are not 1C physical names, 1C system names or OwnPrefix names.
	// PostgreSQL folds names to lower case, as 1C creates them unquoted.
	QuoteIdent(name string) (string, error)
	// Placeholder returns the n-th (1-based) positional parameter: $n or @pn.
	Placeholder(n int) string
	// MaxParams is the most parameters one statement may carry.
	MaxParams() int

	// SelectPage selects up to limit rows of cols ordered by t.Key,
	// starting after the key values after (in key order; nil for the
	// first page). Key columns must be NOT NULL.
	SelectPage(t Table, cols []Column, after []any, limit int) (Stmt, error)
	// SelectForUpdateSkipLocked selects and locks up to limit rows that
	// match every condition in where, skipping rows other transactions
	// hold, ordered by orderBy (none: any order). Run it inside the
	// transaction that later deletes or updates the rows.
	SelectForUpdateSkipLocked(t Table, cols []Column, where []Eq, orderBy []string, limit int) (Stmt, error)
	// SelectByKeys selects the rows whose keyCols equal one of keys, in as
	// many statements as the parameter limits require. Row order is not
	// defined. A nil key value matches NULL.
	SelectByKeys(t Table, cols []Column, keyCols []string, keys [][]any) ([]Stmt, error)
	// DeleteByKeys deletes the rows whose keyCols equal one of keys, in as
	// many statements as the parameter limits require. A nil key value
	// matches NULL.
	DeleteByKeys(t Table, keyCols []string, keys [][]any) ([]Stmt, error)
	// CreateSequenceIfMissing creates a bigint sequence starting at 1
	// unless it exists.
	CreateSequenceIfMissing(name string) (Stmt, error)
	// NextSequenceValues returns a statement yielding n rows, one bigint
	// each: n fresh values of the sequence (1 ≤ n ≤ MaxSequenceBatch).
	NextSequenceValues(name string, n int) (Stmt, error)
	// BulkInsert inserts rows (values of cols in database form) into t
	// through q, which must come from this dialect's driver (PGX for
	// postgres, SQL for sqlserver; on SQL Server a transaction or a
	// single connection). It returns the number of rows inserted.
	BulkInsert(ctx context.Context, q Querier, t Table, cols []Column, rows [][]any) (int64, error)

	// Decode converts a raw driver value of col (as a Querier's Rows.Scan
	// gives it) to its canonical Go value, removing yearOffset years from
	// dates. NULL (nil) decodes to nil.
	Decode(col Column, raw any, yearOffset int) (any, error)
	// Encode converts a canonical Go value of col to the value to pass as
	// a parameter, adding yearOffset years to dates. nil encodes to nil.
	Encode(col Column, v any, yearOffset int) (any, error)
}

// MaxSequenceBatch is the most values NextSequenceValues hands out at once.
const MaxSequenceBatch = 100000

// Names of the dialects.
const (
	NamePostgres  = "postgres"
	NameSQLServer = "sqlserver"
)

// For returns the dialect for a driver name or URL scheme: postgres,
// postgresql, pgx for PostgreSQL; sqlserver, mssql for SQL Server. A whole
// URL ("postgres://host/db") is accepted too.
func For(driverOrURLScheme string) (Dialect, error) {
	s := strings.ToLower(strings.TrimSpace(driverOrURLScheme))
	if scheme, _, ok := strings.Cut(s, "://"); ok {
		s = scheme
	}
	switch s {
	case "postgres", "postgresql", "pgx", "pgx/v5":
		return Postgres(), nil
	case "sqlserver", "mssql":
		return SQLServer(), nil
	}
	return nil, fmt.Errorf("%q: %w (want postgres or sqlserver)", clip(driverOrURLScheme), ErrUnknownDialect)
}

// EncodeRow encodes the canonical values vals of cols with d, adding
// yearOffset to dates; the result is ready for BulkInsert or key arguments.
func EncodeRow(d Dialect, cols []Column, vals []any, yearOffset int) ([]any, error) {
	if len(vals) != len(cols) {
		return nil, fmt.Errorf("encode row: %d values for %d columns: %w", len(vals), len(cols), ErrBadTable)
	}
	out := make([]any, len(vals))
	for i, c := range cols {
		v, err := d.Encode(c, vals[i], yearOffset)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// DecodeRow decodes the raw values of one row of cols into dst (same
// length), removing yearOffset from dates.
func DecodeRow(d Dialect, cols []Column, raw []any, yearOffset int, dst []any) error {
	if len(raw) != len(cols) || len(dst) != len(cols) {
		return fmt.Errorf("decode row: %d raw values and %d destinations for %d columns: %w", len(raw), len(dst), len(cols), ErrBadTable)
	}
	for i, c := range cols {
		v, err := d.Decode(c, raw[i], yearOffset)
		if err != nil {
			return err
		}
		dst[i] = v
	}
	return nil
}

// NextValues runs d.NextSequenceValues through q and returns the values.
func NextValues(ctx context.Context, d Dialect, q Querier, name string, n int) ([]int64, error) {
	st, err := d.NextSequenceValues(name, n)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, st.SQL, st.Args...)
	if err != nil {
		return nil, fmt.Errorf("next values of sequence %s: %w", name, err)
	}
	defer rows.Close()
	out := make([]int64, 0, n)
	raw := make([]any, 1)
	for rows.Next() {
		if len(out) == n {
			return nil, fmt.Errorf("next values of sequence %s: more than %d rows", name, n)
		}
		if err := rows.Scan(raw); err != nil {
			return nil, fmt.Errorf("next values of sequence %s: %w", name, err)
		}
		v, err := d.Decode(Column{Name: name, Kind: Int}, raw[0], 0)
		if err != nil {
			return nil, fmt.Errorf("next values of sequence %s: %w", name, err)
		}
		out = append(out, v.(int64))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("next values of sequence %s: %w", name, err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("next values of sequence %s: got %d values, want %d", name, len(out), n)
	}
	return out, nil
}
