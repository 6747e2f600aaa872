package dialect

import (
	"fmt"
	"strings"
)

// maxKeyRows is the most key rows one SelectByKeys/DeleteByKeys statement
// carries, whatever the parameter limit allows: long IN lists plan badly.
const maxKeyRows = 1000

// quoter is the part of a Dialect the shared builders need.
type quoter interface {
	QuoteIdent(name string) (string, error)
	Placeholder(n int) string
}

// quoteAll quotes names in order.
func quoteAll(q quoter, names []string) ([]string, error) {
	out := make([]string, len(names))
	for i, n := range names {
		s, err := q.QuoteIdent(n)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

func colNames(cols []Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func checkLimit(t Table, limit int) error {
	if limit <= 0 {
		return fmt.Errorf("table %s: limit %d, want > 0: %w", t.Name, limit, ErrBadTable)
	}
	return nil
}

// chunkKeys validates keys (each of width m) and splits them into chunks of
// at most min(maxKeyRows, maxParams/m) rows.
func chunkKeys(t Table, m int, keys [][]any, maxParams int) ([][][]any, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	for i, k := range keys {
		if len(k) != m {
			return nil, fmt.Errorf("table %s: key %d has %d values, want %d: %w", t.Name, i, len(k), m, ErrBadTable)
		}
	}
	per := min(maxKeyRows, maxParams/m)
	if per < 1 {
		return nil, fmt.Errorf("table %s: %d key columns exceed the parameter limit: %w", t.Name, m, ErrBadTable)
	}
	var chunks [][][]any
	for len(keys) > 0 {
		n := min(per, len(keys))
		chunks = append(chunks, keys[:n])
		keys = keys[n:]
	}
	return chunks, nil
}

func hasNil(chunk [][]any) bool {
	for _, k := range chunk {
		for _, v := range k {
			if v == nil {
				return true
			}
		}
	}
	return false
}

// orMatch writes "(a = $1 AND b IS NULL) OR (…)" for chunk, appending the
// non-nil values to args; prefix qualifies column names ("t." or "").
func orMatch(b *strings.Builder, q quoter, prefix string, qkeys []string, chunk [][]any, args []any) []any {
	for i, k := range chunk {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('(')
		for j, v := range k {
			if j > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(prefix)
			b.WriteString(qkeys[j])
			if v == nil {
				b.WriteString(" IS NULL")
				continue
			}
			args = append(args, v)
			b.WriteString(" = ")
			b.WriteString(q.Placeholder(len(args)))
		}
		b.WriteByte(')')
	}
	return args
}

// whereEq writes " WHERE a = $1 AND b IS NULL" for conditions, appending
// the values to args.
func whereEq(b *strings.Builder, q quoter, t Table, where []Eq, args []any) ([]any, error) {
	for i, w := range where {
		if _, ok := t.Column(w.Column); !ok {
			return nil, fmt.Errorf("table %s: condition on unknown column %q: %w", t.Name, w.Column, ErrBadTable)
		}
		qc, err := q.QuoteIdent(w.Column)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			b.WriteString(" WHERE ")
		} else {
			b.WriteString(" AND ")
		}
		b.WriteString(qc)
		if w.Value == nil {
			b.WriteString(" IS NULL")
			continue
		}
		args = append(args, w.Value)
		b.WriteString(" = ")
		b.WriteString(q.Placeholder(len(args)))
	}
	return args, nil
}

// orderColumns validates and quotes an ORDER BY list.
func orderColumns(q quoter, t Table, orderBy []string) ([]string, error) {
	for _, n := range orderBy {
		if _, ok := t.Column(n); !ok {
			return nil, fmt.Errorf("table %s: order by unknown column %q: %w", t.Name, n, ErrBadTable)
		}
	}
	return quoteAll(q, orderBy)
}

// checkAfter validates keyset values: one per key column, none NULL.
func checkAfter(t Table, keys []Column, after []any) error {
	if len(after) != len(keys) {
		return fmt.Errorf("table %s: %d values after, want one per key column (%d): %w", t.Name, len(after), len(keys), ErrBadTable)
	}
	for i, v := range after {
		if v == nil {
			return fmt.Errorf("table %s: key column %s is NULL in the page start; keyset paging needs NOT NULL keys: %w", t.Name, keys[i].Name, ErrBadTable)
		}
	}
	return nil
}
