package dialect

import (
	"fmt"
	"strconv"
	"strings"
)

// mssqlMaxIdent is SQL Server's identifier length limit (sysname).
const mssqlMaxIdent = 128

// mssqlMaxParams keeps a margin under SQL Server's 2100 parameters per
// request.
const mssqlMaxParams = 2000

// mssqlLock are the table hints of a locking read that skips locked rows.
const mssqlLock = " WITH (UPDLOCK, ROWLOCK, READPAST)"

type sqlServer struct{}

// SQLServer returns the Microsoft SQL Server dialect (go-mssqldb driver).
func SQLServer() Dialect { return sqlServer{} }

// Name implements Dialect.
func (sqlServer) Name() string { return NameSQLServer }

// Placeholder implements Dialect: @pn, go-mssqldb's positional names.
func (sqlServer) Placeholder(n int) string { return "@p" + strconv.Itoa(n) }

// MaxParams implements Dialect.
func (sqlServer) MaxParams() int { return mssqlMaxParams }

// QuoteIdent implements Dialect: [name], case kept.
func (sqlServer) QuoteIdent(name string) (string, error) {
	schema, obj, err := splitQualified(name, mssqlMaxIdent)
	if err != nil {
		return "", err
	}
	// Validated names hold no ']', so no escaping is needed.
	q := "[" + obj + "]"
	if schema != "" {
		q = "[" + schema + "]." + q
	}
	return q, nil
}

// selectList writes the select list, each column prefixed with prefix
// ("t." or "").
func (d sqlServer) selectList(b *strings.Builder, prefix string, cols []Column) error {
	for i, c := range cols {
		qc, err := d.QuoteIdent(c.Name)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prefix)
		b.WriteString(qc)
	}
	return nil
}

// SelectPage implements Dialect. SQL Server has no row-value comparison,
// so the keyset condition is expanded, with a leading range on the first
// key column so that the clustered index is seeked:
// k1 >= @p1 AND (k1 > @p1 OR (k1 = @p1 AND k2 > @p2)).
func (d sqlServer) SelectPage(t Table, cols []Column, after []any, limit int) (Stmt, error) {
	if err := t.validate(cols); err != nil {
		return Stmt{}, err
	}
	if err := checkLimit(t, limit); err != nil {
		return Stmt{}, err
	}
	keys, err := t.KeyColumns()
	if err != nil {
		return Stmt{}, err
	}
	qkeys, err := quoteAll(d, colNames(keys))
	if err != nil {
		return Stmt{}, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return Stmt{}, err
	}
	var b strings.Builder
	args := []any{limit}
	b.WriteString("SELECT TOP (@p1) ")
	if err := d.selectList(&b, "", cols); err != nil {
		return Stmt{}, err
	}
	b.WriteString(" FROM ")
	b.WriteString(qt)
	if after != nil {
		if err := checkAfter(t, keys, after); err != nil {
			return Stmt{}, err
		}
		args = append(args, after...)
		ph := func(i int) string { return d.Placeholder(i + 2) }
		b.WriteString(" WHERE ")
		if len(keys) == 1 {
			fmt.Fprintf(&b, "%s > %s", qkeys[0], ph(0))
		} else {
			fmt.Fprintf(&b, "%s >= %s AND ", qkeys[0], ph(0))
			b.WriteString(keysetOr(qkeys, ph, 0))
		}
	}
	fmt.Fprintf(&b, " ORDER BY %s", strings.Join(qkeys, ", "))
	return Stmt{SQL: b.String(), Args: args}, nil
}

// keysetOr returns "(k_i > p_i OR (k_i = p_i AND <rest>))", the strict
// lexicographic "greater than" from key i on.
func keysetOr(qkeys []string, ph func(int) string, i int) string {
	if i == len(qkeys)-1 {
		return qkeys[i] + " > " + ph(i)
	}
	return "(" + qkeys[i] + " > " + ph(i) + " OR (" + qkeys[i] + " = " + ph(i) + " AND " + keysetOr(qkeys, ph, i+1) + "))"
}

// SelectForUpdateSkipLocked implements Dialect:
// SELECT TOP (@pn) … FROM t WITH (UPDLOCK, ROWLOCK, READPAST) WHERE … ORDER BY ….
func (d sqlServer) SelectForUpdateSkipLocked(t Table, cols []Column, where []Eq, orderBy []string, limit int) (Stmt, error) {
	if err := t.validate(cols); err != nil {
		return Stmt{}, err
	}
	if err := checkLimit(t, limit); err != nil {
		return Stmt{}, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return Stmt{}, err
	}
	var b strings.Builder
	args := []any{limit}
	b.WriteString("SELECT TOP (@p1) ")
	if err := d.selectList(&b, "", cols); err != nil {
		return Stmt{}, err
	}
	b.WriteString(" FROM " + qt + mssqlLock)
	args, err = whereEq(&b, d, t, where, args)
	if err != nil {
		return Stmt{}, err
	}
	qorder, err := orderColumns(d, t, orderBy)
	if err != nil {
		return Stmt{}, err
	}
	if len(qorder) > 0 {
		b.WriteString(" ORDER BY ")
		b.WriteString(strings.Join(qorder, ", "))
	}
	return Stmt{SQL: b.String(), Args: args}, nil
}

// byKeys builds SELECT (cols != nil) or DELETE statements matching keys:
// one key column: k IN (@p1, …); several: a join with a VALUES list; a
// chunk holding a NULL: an OR of ANDs with IS NULL.
func (d sqlServer) byKeys(t Table, cols []Column, keyCols []string, keys [][]any) ([]Stmt, error) {
	del := cols == nil
	if err := t.validate(cols); err != nil {
		return nil, err
	}
	kc, err := t.columnsNamed(keyCols, "key")
	if err != nil {
		return nil, err
	}
	qkeys, err := quoteAll(d, colNames(kc))
	if err != nil {
		return nil, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return nil, err
	}
	chunks, err := chunkKeys(t, len(kc), keys, mssqlMaxParams)
	if err != nil {
		return nil, err
	}
	out := make([]Stmt, 0, len(chunks))
	for _, chunk := range chunks {
		var b strings.Builder
		if del {
			b.WriteString("DELETE t FROM " + qt + " AS t")
		} else {
			b.WriteString("SELECT ")
			if err := d.selectList(&b, "t.", cols); err != nil {
				return nil, err
			}
			b.WriteString(" FROM " + qt + " AS t")
		}
		args := make([]any, 0, len(chunk)*len(kc))
		switch {
		case hasNil(chunk):
			b.WriteString(" WHERE ")
			args = orMatch(&b, d, "t.", qkeys, chunk, args)
		case len(kc) == 1:
			b.WriteString(" WHERE t." + qkeys[0] + " IN (")
			for i, k := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				args = append(args, k[0])
				b.WriteString(d.Placeholder(len(args)))
			}
			b.WriteByte(')')
		default:
			b.WriteString(" INNER JOIN (VALUES ")
			for i, k := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('(')
				for j, v := range k {
					if j > 0 {
						b.WriteString(", ")
					}
					args = append(args, v)
					b.WriteString(d.Placeholder(len(args)))
				}
				b.WriteByte(')')
			}
			b.WriteString(") AS k (" + strings.Join(qkeys, ", ") + ") ON ")
			for j, qk := range qkeys {
				if j > 0 {
					b.WriteString(" AND ")
				}
				b.WriteString("t." + qk + " = k." + qk)
			}
		}
		out = append(out, Stmt{SQL: b.String(), Args: args})
	}
	return out, nil
}

// SelectByKeys implements Dialect.
func (d sqlServer) SelectByKeys(t Table, cols []Column, keyCols []string, keys [][]any) ([]Stmt, error) {
	if cols == nil {
		return nil, fmt.Errorf("table %s: select by keys without columns: %w", t.Name, ErrBadTable)
	}
	return d.byKeys(t, cols, keyCols, keys)
}

// DeleteByKeys implements Dialect.
func (d sqlServer) DeleteByKeys(t Table, keyCols []string, keys [][]any) ([]Stmt, error) {
	return d.byKeys(t, nil, keyCols, keys)
}

// CreateSequenceIfMissing implements Dialect. The existence check takes
// the sequence name as a parameter.
func (d sqlServer) CreateSequenceIfMissing(name string) (Stmt, error) {
	qn, err := d.QuoteIdent(name)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{
		SQL:  "IF OBJECT_ID(@p1, N'SO') IS NULL CREATE SEQUENCE " + qn + " AS bigint START WITH 1 INCREMENT BY 1",
		Args: []any{qn},
	}, nil
}

// NextSequenceValues implements Dialect: sp_sequence_get_range reserves a
// contiguous range atomically (NEXT VALUE FOR is not allowed with TOP), and
// a row generator lists it.
func (d sqlServer) NextSequenceValues(name string, n int) (Stmt, error) {
	qn, err := d.QuoteIdent(name)
	if err != nil {
		return Stmt{}, err
	}
	if n < 1 || n > MaxSequenceBatch {
		return Stmt{}, fmt.Errorf("sequence %s: %d values, want 1..%d: %w", name, n, MaxSequenceBatch, ErrBadTable)
	}
	const q = "DECLARE @first sql_variant; " +
		"EXEC sys.sp_sequence_get_range @sequence_name = @p1, @range_size = @p2, @range_first_value = @first OUTPUT; " +
		"SELECT CAST(@first AS bigint) + v.n FROM (SELECT TOP (@p2) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) - 1 AS n " +
		"FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b) AS v ORDER BY v.n"
	return Stmt{SQL: q, Args: []any{qn, int64(n)}}, nil
}
