package tablesource

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// Statements the dialect package does not build. Identifiers come from the
// metadata through QuoteIdent; every value is a parameter.

// selectList renders cols for a SELECT (string columns as text on
// PostgreSQL, as the dialect does).
func selectList(d dialect.Dialect, cols []dialect.Column) (string, error) {
	out := make([]string, len(cols))
	for i, c := range cols {
		q, err := d.QuoteIdent(c.Name)
		if err != nil {
			return "", err
		}
		out[i] = q
		if d.Name() == dialect.NamePostgres && isString(c) {
			out[i] = q + "::text AS " + q
		}
	}
	return strings.Join(out, ", "), nil
}

func isString(c dialect.Column) bool {
	return c.Kind == dialect.String || c.Kind == dialect.FixedString
}

// pageSQL is keyset paging over a multi-column key written without row
// comparison, (k1 > $1) OR (k1 = $1 AND k2 > $2) OR …, because PostgreSQL
// cannot compare row values holding 1C's mchar/mvarchar types; string key
// columns are compared and ordered as text there. Arguments: the previous
// page's last key values (when after), then the limit (PostgreSQL) — on SQL
// Server the limit comes first.
func pageSQL(d dialect.Dialect, table string, cols, key []dialect.Column, after bool) (string, error) {
	t, err := d.QuoteIdent(table)
	if err != nil {
		return "", err
	}
	list, err := selectList(d, cols)
	if err != nil {
		return "", err
	}
	pg := d.Name() == dialect.NamePostgres
	kx := make([]string, len(key))
	for i, c := range key {
		q, err := d.QuoteIdent(c.Name)
		if err != nil {
			return "", err
		}
		kx[i] = q
		if pg && isString(c) {
			kx[i] = q + "::text"
		}
	}
	first := 1
	if !pg {
		first = 2 // @p1 is TOP
	}
	where := ""
	if after {
		var or []string
		for i := range kx {
			var and []string
			for j := 0; j < i; j++ {
				and = append(and, fmt.Sprintf("%s = %s", kx[j], d.Placeholder(first+j)))
			}
			and = append(and, fmt.Sprintf("%s > %s", kx[i], d.Placeholder(first+i)))
			or = append(or, "("+strings.Join(and, " AND ")+")")
		}
		where = " WHERE " + strings.Join(or, " OR ")
	}
	order := strings.Join(kx, ", ")
	if pg {
		n := 1
		if after {
			n = len(kx) + 1
		}
		return fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT %s", list, t, where, order, d.Placeholder(n)), nil
	}
	return fmt.Sprintf("SELECT TOP (%s) %s FROM %s%s ORDER BY %s", d.Placeholder(1), list, t, where, order), nil
}

// versionSQL reads rows changed since a rowversion (SQL Server): arguments
// limit, lower bound (exclusive), upper bound (exclusive).
func versionSQL(d dialect.Dialect, table, version string, cols []dialect.Column) (string, error) {
	if d.Name() != dialect.NameSQLServer {
		return "", fmt.Errorf("incremental reads by _Version need SQL Server, not %s", d.Name())
	}
	t, err := d.QuoteIdent(table)
	if err != nil {
		return "", err
	}
	v, err := d.QuoteIdent(version)
	if err != nil {
		return "", err
	}
	list, err := selectList(d, cols)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("SELECT TOP (@p1) %s FROM %s WHERE %s > @p2 AND %s < @p3 ORDER BY %s", list, t, v, v, v), nil
}

// minActiveRowversionSQL returns the lowest rowversion still active: rows
// below it are committed (SQL Server).
const minActiveRowversionSQL = "SELECT CAST(MIN_ACTIVE_ROWVERSION() AS binary(8))"
