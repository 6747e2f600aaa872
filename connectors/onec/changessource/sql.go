package changessource

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// The statements of the delivery protocol that the dialect package does not
// build (stamping with a message number, deleting by message number,
// counting). Identifiers come from the metadata and pass through
// QuoteIdent; every value is a parameter.

// changeSQL holds the prepared statement texts of one change table.
type changeSQL struct {
	// stamp: args N, nodeTRef, nodeRRef, floor, limit; returns the key
	// columns of the stamped rows.
	stamp string
	// deleteMsg: args nodeTRef, nodeRRef, N.
	deleteMsg string
	// maxMsg: args nodeTRef, nodeRRef; one row, one column.
	maxMsg string
	// count: args nodeTRef, nodeRRef; one row, one column.
	count string
}

func quoteAll(d dialect.Dialect, names ...string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		q, err := d.QuoteIdent(n)
		if err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

// buildChangeSQL builds the statements for change table table, with the
// node columns tref and rref, the message number column msg and the object
// key columns keys (string columns marked in isString are cast to text on
// PostgreSQL, where 1C's mchar types must not travel in binary).
func buildChangeSQL(d dialect.Dialect, table, tref, rref, msg string, keys []string, isString []bool) (changeSQL, error) {
	q, err := quoteAll(d, append([]string{table, tref, rref, msg}, keys...)...)
	if err != nil {
		return changeSQL{}, fmt.Errorf("change table %s: %w", table, err)
	}
	t, tr, rr, m, kq := q[0], q[1], q[2], q[3], q[4:]
	p := d.Placeholder
	var s changeSQL
	switch d.Name() {
	case dialect.NamePostgres:
		ret := make([]string, len(kq))
		for i, k := range kq {
			ret[i] = k
			if isString[i] {
				ret[i] = k + "::text"
			}
		}
		s.stamp = fmt.Sprintf("UPDATE %s SET %s = %s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %s WHERE %s = %s AND %s = %s AND (%s IS NULL OR %s < %s) LIMIT %s FOR UPDATE SKIP LOCKED)) RETURNING %s",
			t, m, p(1), t, tr, p(2), rr, p(3), m, m, p(4), p(5), strings.Join(ret, ", "))
	case dialect.NameSQLServer:
		ret := make([]string, len(kq))
		for i, k := range kq {
			ret[i] = "inserted." + k
		}
		s.stamp = fmt.Sprintf("UPDATE TOP (%s) %s WITH (ROWLOCK, READPAST) SET %s = %s OUTPUT %s WHERE %s = %s AND %s = %s AND (%s IS NULL OR %s < %s)",
			p(5), t, m, p(1), strings.Join(ret, ", "), tr, p(2), rr, p(3), m, m, p(4))
	default:
		return changeSQL{}, fmt.Errorf("dialect %s: %w", d.Name(), dialect.ErrUnknownDialect)
	}
	s.deleteMsg = fmt.Sprintf("DELETE FROM %s WHERE %s = %s AND %s = %s AND %s = %s", t, tr, p(1), rr, p(2), m, p(3))
	s.maxMsg = fmt.Sprintf("SELECT MAX(%s) FROM %s WHERE %s = %s AND %s = %s", m, t, tr, p(1), rr, p(2))
	s.count = fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s = %s AND %s = %s", t, tr, p(1), rr, p(2))
	return s, nil
}

// nodeSQL selects a node's _IDRRef by its code (padding trimmed): arg code.
func nodeSQL(d dialect.Dialect, table, idCol, codeCol string) (string, error) {
	q, err := quoteAll(d, table, idCol, codeCol)
	if err != nil {
		return "", fmt.Errorf("node table %s: %w", table, err)
	}
	switch d.Name() {
	case dialect.NamePostgres:
		return fmt.Sprintf("SELECT %s FROM %s WHERE rtrim(%s::text) = %s", q[1], q[0], q[2], d.Placeholder(1)), nil
	case dialect.NameSQLServer:
		return fmt.Sprintf("SELECT %s FROM %s WHERE RTRIM(%s) = %s", q[1], q[0], q[2], d.Placeholder(1)), nil
	}
	return "", fmt.Errorf("dialect %s: %w", d.Name(), dialect.ErrUnknownDialect)
}

// distinctKeysSQL pages through the distinct values of the key columns of
// a register's main table (the record-set keys of the initial snapshot):
// args are the previous page's last key (when after is true), then the
// limit.
func distinctKeysSQL(d dialect.Dialect, table string, keys []string, isString []bool, after bool) (string, error) {
	q, err := quoteAll(d, append([]string{table}, keys...)...)
	if err != nil {
		return "", fmt.Errorf("register table %s: %w", table, err)
	}
	t, kq := q[0], q[1:]
	p := d.Placeholder
	cols := make([]string, len(kq))
	for i, k := range kq {
		cols[i] = k
		if isString[i] && d.Name() == dialect.NamePostgres {
			cols[i] = k + "::text"
		}
	}
	list := strings.Join(cols, ", ")
	switch d.Name() {
	case dialect.NamePostgres:
		where := ""
		if after {
			ph := make([]string, len(cols))
			for i := range cols {
				ph[i] = p(i + 1)
			}
			where = fmt.Sprintf(" WHERE (%s) > (%s)", list, strings.Join(ph, ", "))
		}
		n := 1
		if after {
			n = len(cols) + 1
		}
		return fmt.Sprintf("SELECT DISTINCT %s FROM %s%s ORDER BY %s LIMIT %s", list, t, where, list, p(n)), nil
	case dialect.NameSQLServer:
		where := ""
		if after {
			// (k1 > p1) OR (k1 = p1 AND k2 > p2) OR …
			var or []string
			for i := range cols {
				var and []string
				for j := 0; j < i; j++ {
					and = append(and, fmt.Sprintf("%s = %s", cols[j], p(j+2)))
				}
				and = append(and, fmt.Sprintf("%s > %s", cols[i], p(i+2)))
				or = append(or, "("+strings.Join(and, " AND ")+")")
			}
			where = " WHERE " + strings.Join(or, " OR ")
		}
		return fmt.Sprintf("SELECT DISTINCT TOP (%s) %s FROM %s%s ORDER BY %s", p(1), list, t, where, list), nil
	}
	return "", fmt.Errorf("dialect %s: %w", d.Name(), dialect.ErrUnknownDialect)
}

// selectByKeysOr selects the rows of t whose keyCols equal one of keys,
// written as (k1 = $1 AND k2 = $2) OR …, in as many statements as the
// parameter limit requires. It stands in for Dialect.SelectByKeys on
// multi-column keys: PostgreSQL cannot compare a row value that holds an
// mchar/mvarchar column (the emulated types have no btree family: "could
// not determine interpretation of row comparison operator"). A nil key
// value matches NULL.
func selectByKeysOr(d dialect.Dialect, t dialect.Table, cols []dialect.Column, keyCols []string, keys [][]any) ([]dialect.Stmt, error) {
	q, err := quoteAll(d, t.Name)
	if err != nil {
		return nil, err
	}
	sel := make([]string, len(cols))
	for i, c := range cols {
		qc, err := d.QuoteIdent(c.Name)
		if err != nil {
			return nil, err
		}
		sel[i] = qc
		if d.Name() == dialect.NamePostgres && (c.Kind == dialect.String || c.Kind == dialect.FixedString) {
			sel[i] = qc + "::text AS " + qc
		}
	}
	kq, err := quoteAll(d, keyCols...)
	if err != nil {
		return nil, err
	}
	per := max(1, min(500, (d.MaxParams()-1)/max(1, len(keyCols))))
	var out []dialect.Stmt
	for start := 0; start < len(keys); start += per {
		chunk := keys[start:min(len(keys), start+per)]
		var or []string
		var args []any
		for _, k := range chunk {
			if len(k) != len(keyCols) {
				return nil, fmt.Errorf("key with %d values for %d columns: %w", len(k), len(keyCols), dialect.ErrBadTable)
			}
			and := make([]string, len(k))
			for i, v := range k {
				if v == nil {
					and[i] = kq[i] + " IS NULL"
					continue
				}
				args = append(args, v)
				and[i] = kq[i] + " = " + d.Placeholder(len(args))
			}
			or = append(or, "("+strings.Join(and, " AND ")+")")
		}
		out = append(out, dialect.Stmt{SQL: fmt.Sprintf("SELECT %s FROM %s WHERE %s", strings.Join(sel, ", "), q[0], strings.Join(or, " OR ")), Args: args})
	}
	return out, nil
}
