package dialect

import (
	"fmt"
	"strconv"
	"strings"
)

// pgMaxIdent is PostgreSQL's identifier length limit (NAMEDATALEN - 1);
// longer names would be truncated silently by the server.
const pgMaxIdent = 63

// pgMaxParams is the protocol's limit of parameters per statement.
const pgMaxParams = 65535

type postgres struct{}

// Postgres returns the PostgreSQL dialect (pgx driver).
func Postgres() Dialect { return postgres{} }

// Name implements Dialect.
func (postgres) Name() string { return NamePostgres }

// Placeholder implements Dialect: $n.
func (postgres) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// MaxParams implements Dialect.
func (postgres) MaxParams() int { return pgMaxParams }

// QuoteIdent implements Dialect: "name", folded to lower case.
func (postgres) QuoteIdent(name string) (string, error) {
	schema, obj, err := splitQualified(name, pgMaxIdent)
	if err != nil {
		return "", err
	}
	q := `"` + strings.ToLower(obj) + `"`
	if schema != "" {
		q = `"` + strings.ToLower(schema) + `".` + q
	}
	return q, nil
}

// selectList writes the select list: strings as col::text, so mchar and
// mvarchar reach pgx as text whatever their OIDs.
func (d postgres) selectList(b *strings.Builder, cols []Column) error {
	for i, c := range cols {
		qc, err := d.QuoteIdent(c.Name)
		if err != nil {
			return err
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(qc)
		if c.Kind == String || c.Kind == FixedString {
			b.WriteString("::text AS ")
			b.WriteString(qc)
		}
	}
	return nil
}

func (d postgres) head(b *strings.Builder, t Table, cols []Column) error {
	if err := t.validate(cols); err != nil {
		return err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
		return err
	}
	b.WriteString("SELECT ")
	if err := d.selectList(b, cols); err != nil {
		return err
	}
	b.WriteString(" FROM ")
	b.WriteString(qt)
	return nil
}

// orderBy writes ORDER BY over qcols qualified with the quoted table name
// qt. Unqualified, a string column's name would mean the select list's
// col::text AS col, whose order is text's, not the column's own operator
// class (mchar's case-insensitive one): keyset pages would then disagree
// with their WHERE and the key index could not deliver the order.
func (postgres) orderBy(b *strings.Builder, qt string, qcols []string) {
	b.WriteString(" ORDER BY ")
	for i, c := range qcols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(qt + "." + c)
	}
}

// SelectPage implements Dialect with a row-value comparison, which
// PostgreSQL answers from the clustered key's index:
// WHERE (k1, k2) > ($1, $2) ORDER BY t.k1, t.k2 LIMIT $3.
func (d postgres) SelectPage(t Table, cols []Column, after []any, limit int) (Stmt, error) {
	var b strings.Builder
	if err := d.head(&b, t, cols); err != nil {
		return Stmt{}, err
	}
	qt, err := d.QuoteIdent(t.Name)
	if err != nil {
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
	var args []any
	if after != nil {
		if err := checkAfter(t, keys, after); err != nil {
			return Stmt{}, err
		}
		args = append(args, after...)
		ph := make([]string, len(after))
		for i := range after {
			ph[i] = d.Placeholder(i + 1)
		}
		if len(keys) == 1 {
			fmt.Fprintf(&b, " WHERE %s > %s", qkeys[0], ph[0])
		} else {
			fmt.Fprintf(&b, " WHERE (%s) > (%s)", strings.Join(qkeys, ", "), strings.Join(ph, ", "))
		}
	}
	args = append(args, limit)
	d.orderBy(&b, qt, qkeys)
	fmt.Fprintf(&b, " LIMIT %s", d.Placeholder(len(args)))
	return Stmt{SQL: b.String(), Args: args}, nil
}

// SelectForUpdateSkipLocked implements Dialect:
// … WHERE … ORDER BY t.… LIMIT $n FOR UPDATE SKIP LOCKED.
func (d postgres) SelectForUpdateSkipLocked(t Table, cols []Column, where []Eq, orderBy []string, limit int) (Stmt, error) {
	var b strings.Builder
	if err := d.head(&b, t, cols); err != nil {
		return Stmt{}, err
	}
	if err := checkLimit(t, limit); err != nil {
		return Stmt{}, err
	}
	args, err := whereEq(&b, d, t, where, nil)
	if err != nil {
		return Stmt{}, err
	}
	qorder, err := orderColumns(d, t, orderBy)
	if err != nil {
		return Stmt{}, err
	}
	if len(qorder) > 0 {
		qt, err := d.QuoteIdent(t.Name)
		if err != nil {
			return Stmt{}, err
		}
		d.orderBy(&b, qt, qorder)
	}
	args = append(args, limit)
	fmt.Fprintf(&b, " LIMIT %s FOR UPDATE SKIP LOCKED", d.Placeholder(len(args)))
	return Stmt{SQL: b.String(), Args: args}, nil
}

// keyMatch writes the WHERE condition matching one chunk of keys:
// k IN ($1, $2) or (k1, k2) IN (($1, $2), ($3, $4)); chunks holding a NULL
// use an OR of ANDs with IS NULL.
func (d postgres) keyMatch(b *strings.Builder, qkeys []string, chunk [][]any) []any {
	args := make([]any, 0, len(chunk)*len(qkeys))
	if hasNil(chunk) {
		return orMatch(b, d, "", qkeys, chunk, args)
	}
	if len(qkeys) == 1 {
		b.WriteString(qkeys[0])
	} else {
		b.WriteString("(" + strings.Join(qkeys, ", ") + ")")
	}
	b.WriteString(" IN (")
	for i, k := range chunk {
		if i > 0 {
			b.WriteString(", ")
		}
		if len(k) > 1 {
			b.WriteByte('(')
		}
		for j, v := range k {
			if j > 0 {
				b.WriteString(", ")
			}
			args = append(args, v)
			b.WriteString(d.Placeholder(len(args)))
		}
		if len(k) > 1 {
			b.WriteByte(')')
		}
	}
	b.WriteByte(')')
	return args
}

func (d postgres) byKeys(t Table, cols []Column, keyCols []string, keys [][]any) ([]Stmt, error) {
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
	var prefix strings.Builder
	if del {
		prefix.WriteString("DELETE FROM " + qt)
	} else if err := d.head(&prefix, t, cols); err != nil {
		return nil, err
	}
	prefix.WriteString(" WHERE ")
	chunks, err := chunkKeys(t, len(kc), keys, pgMaxParams)
	if err != nil {
		return nil, err
	}
	out := make([]Stmt, 0, len(chunks))
	for _, chunk := range chunks {
		var b strings.Builder
		b.WriteString(prefix.String())
		args := d.keyMatch(&b, qkeys, chunk)
		out = append(out, Stmt{SQL: b.String(), Args: args})
	}
	return out, nil
}

// SelectByKeys implements Dialect.
func (d postgres) SelectByKeys(t Table, cols []Column, keyCols []string, keys [][]any) ([]Stmt, error) {
	if cols == nil {
		return nil, fmt.Errorf("table %s: select by keys without columns: %w", t.Name, ErrBadTable)
	}
	return d.byKeys(t, cols, keyCols, keys)
}

// DeleteByKeys implements Dialect.
func (d postgres) DeleteByKeys(t Table, keyCols []string, keys [][]any) ([]Stmt, error) {
	return d.byKeys(t, nil, keyCols, keys)
}

// CreateSequenceIfMissing implements Dialect.
func (d postgres) CreateSequenceIfMissing(name string) (Stmt, error) {
	qn, err := d.QuoteIdent(name)
	if err != nil {
		return Stmt{}, err
	}
	return Stmt{SQL: "CREATE SEQUENCE IF NOT EXISTS " + qn + " AS bigint START WITH 1 INCREMENT BY 1"}, nil
}

// NextSequenceValues implements Dialect. The sequence is named through a
// regclass parameter holding the quoted name.
func (d postgres) NextSequenceValues(name string, n int) (Stmt, error) {
	qn, err := d.QuoteIdent(name)
	if err != nil {
		return Stmt{}, err
	}
	if n < 1 || n > MaxSequenceBatch {
		return Stmt{}, fmt.Errorf("sequence %s: %d values, want 1..%d: %w", name, n, MaxSequenceBatch, ErrBadTable)
	}
	return Stmt{SQL: "SELECT nextval($1::regclass) FROM generate_series(1, $2)", Args: []any{qn, n}}, nil
}
