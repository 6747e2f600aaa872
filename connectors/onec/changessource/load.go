package changessource

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/schema"
)

// objectKey is the key of one registration: canonical values of the change
// key columns, their text (key struct fields) and their database form
// (parameters).
type objectKey struct {
	text   []string
	params []any
	id     string // text joined: groups rows of the same object
}

// keyFromRaw decodes the raw change-key values of one registration.
func (t *target) keyFromRaw(d dialect.Dialect, raw []any, yo int) (objectKey, error) {
	k := objectKey{text: make([]string, len(raw)), params: make([]any, len(raw))}
	for i, r := range raw {
		v, err := d.Decode(t.keyCols[i], r, yo)
		if err != nil {
			return k, fmt.Errorf("%s: decode change key: %w", t.fullName, err)
		}
		if v != nil {
			k.text[i] = common.Text(v)
		}
		if k.params[i], err = d.Encode(t.keyCols[i], v, yo); err != nil {
			return k, fmt.Errorf("%s: encode change key: %w", t.fullName, err)
		}
	}
	k.id = joinKey(k.text, raw)
	return k, nil
}

func joinKey(text []string, raw []any) string {
	var b strings.Builder
	for i, s := range text {
		if raw != nil && raw[i] == nil {
			b.WriteString("\x00")
		}
		b.WriteString(s)
		b.WriteByte('\x1f')
	}
	return b.String()
}

// rowKeyID is the id of the object a main-table row belongs to.
func (t *target) rowKeyID(d dialect.Dialect, row []any, yo int) (string, error) {
	text := make([]string, len(t.keyIdx))
	raw := make([]any, len(t.keyIdx))
	for i, idx := range t.keyIdx {
		v, err := d.Decode(t.mainCols[idx], row[idx], yo)
		if err != nil {
			return "", fmt.Errorf("%s: decode key column: %w", t.fullName, err)
		}
		raw[i] = row[idx]
		if v != nil {
			text[i] = common.Text(v)
		}
	}
	return joinKey(text, raw), nil
}

// query runs stmts and returns every row's raw values.
func query(ctx context.Context, q dialect.Querier, stmts []dialect.Stmt, ncols int) ([][]any, error) {
	var out [][]any
	for _, st := range stmts {
		rows, err := q.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			dst := make([]any, ncols)
			if err := rows.Scan(dst); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, dst)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// loaded is the current state of one registered object: data nil when it
// no longer exists (or a register record set is empty).
type loaded struct {
	key  objectKey
	data *schema.Struct
}

// load reads the current rows of the objects keys name (no locks: plain
// reads in the caller's transaction) and maps them to structs.
func (t *target) load(ctx context.Context, d dialect.Dialect, q dialect.Querier, keys []objectKey, yo int) ([]loaded, error) {
	out := make([]loaded, len(keys))
	for i, k := range keys {
		out[i].key = k
	}
	if len(keys) == 0 {
		return out, nil
	}
	switch t.shape {
	case shapeConstant:
		st, err := d.SelectPage(t.main, t.mainCols, nil, 1)
		if err != nil {
			return nil, err
		}
		rows, err := query(ctx, q, []dialect.Stmt{st}, len(t.mainCols))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.fullName, err)
		}
		if len(rows) == 1 {
			s, err := t.om.Struct(rows[0], nil)
			if err != nil {
				return nil, fmt.Errorf("map %s: %w", t.fullName, err)
			}
			for i := range out {
				out[i].data = s
			}
		}
		return out, nil
	}
	params := make([][]any, len(keys))
	for i, k := range keys {
		params[i] = k.params
	}
	var err error
	var stmts []dialect.Stmt
	if len(t.main.Key) == 1 {
		stmts, err = d.SelectByKeys(t.main, t.mainCols, t.main.Key, params)
	} else {
		stmts, err = selectByKeysOr(d, t.main, t.mainCols, t.main.Key, params)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.fullName, err)
	}
	rows, err := query(ctx, q, stmts, len(t.mainCols))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.fullName, err)
	}
	byID := map[string][][]any{}
	for _, r := range rows {
		id, err := t.rowKeyID(d, r, yo)
		if err != nil {
			return nil, err
		}
		byID[id] = append(byID[id], r)
	}
	if t.shape == shapeReference {
		secs, err := t.loadSections(ctx, d, q, params, yo)
		if err != nil {
			return nil, err
		}
		for i := range out {
			rs := byID[out[i].key.id]
			if len(rs) == 0 {
				continue
			}
			s, err := t.om.Struct(rs[0], secs[out[i].key.id])
			if err != nil {
				return nil, fmt.Errorf("map %s %s: %w", t.fullName, strings.Join(out[i].key.text, ","), err)
			}
			out[i].data = s
		}
		return out, nil
	}
	lineIdx := -1
	for i, c := range t.mainCols {
		if strings.HasPrefix(strings.ToLower(c.Name), "_lineno") {
			lineIdx = i
		}
	}
	for i := range out {
		rs := byID[out[i].key.id]
		if len(rs) == 0 {
			continue
		}
		if lineIdx >= 0 {
			sortByLine(d, t.mainCols[lineIdx], rs, lineIdx)
		}
		recs := make([]any, len(rs))
		for j, r := range rs {
			if recs[j], err = t.om.Struct(r, nil); err != nil {
				return nil, fmt.Errorf("map %s record: %w", t.fullName, err)
			}
		}
		s := schema.NewStruct(t.dataSchema)
		s.Set(0, recs)
		out[i].data = s
	}
	return out, nil
}

// loadSections reads the tabular sections of the objects, by object id
// then section name, rows in НомерСтроки order.
func (t *target) loadSections(ctx context.Context, d dialect.Dialect, q dialect.Querier, params [][]any, yo int) (map[string]map[string][][]any, error) {
	out := map[string]map[string][][]any{}
	for _, sec := range t.sections {
		stmts, err := d.SelectByKeys(sec.table, sec.cols, []string{sec.owner}, params)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", t.fullName, sec.name, err)
		}
		rows, err := query(ctx, q, stmts, len(sec.cols))
		if err != nil {
			return nil, fmt.Errorf("read %s.%s: %w", t.fullName, sec.name, err)
		}
		if sec.lineIdx >= 0 {
			sortByLine(d, sec.cols[sec.lineIdx], rows, sec.lineIdx)
		}
		for _, r := range rows {
			v, err := d.Decode(sec.cols[0], r[0], yo)
			if err != nil {
				return nil, fmt.Errorf("%s.%s owner: %w", t.fullName, sec.name, err)
			}
			id := joinKey([]string{common.Text(v)}, nil)
			m := out[id]
			if m == nil {
				m = map[string][][]any{}
				out[id] = m
			}
			m[sec.name] = append(m[sec.name], r)
		}
	}
	return out, nil
}

// sortByLine orders rows by a numeric line-number column.
func sortByLine(d dialect.Dialect, col dialect.Column, rows [][]any, idx int) {
	num := func(r []any) decimal.Decimal {
		v, err := d.Decode(col, r[idx], 0)
		if n, ok := v.(decimal.Decimal); ok && err == nil {
			return n
		}
		return decimal.Zero
	}
	sort.SliceStable(rows, func(i, j int) bool { return num(rows[i]).LessThan(num(rows[j])) })
}
