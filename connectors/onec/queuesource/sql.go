package queuesource

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// queries holds the SQL of one plan. Identifiers come from metadata and
// are quoted by the dialect; every value is a parameter.
//
// PostgreSQL adds a column "settled" to both reads: true when the row's
// inserting transaction is older than every transaction still running
// (age(xmin) greater than the age of the current snapshot's xmin). A row
// that is not settled may have an earlier number still to commit in a
// running transaction; the task stops a batch at the first such row.
type queries struct {
	// lockBatch (delete mode) selects and locks up to limit rows, skipping
	// rows other transactions hold, in number order. Args: [split values…,]
	// limit (PostgreSQL: split values as one text array). On PostgreSQL it
	// deletes the rows in the same statement (DELETE … RETURNING, rows in
	// any order): the deletion is undone by a rollback and made durable by
	// the commit after Kafka's acknowledgement.
	lockBatch string
	// lockBatchAfter is lockBatch limited to rows numbered above a given
	// number, the last of the task's newest open batch: the read starts
	// past the task's own locked rows instead of stepping over each of
	// them. Args: those of lockBatch, then after.
	lockBatchAfter string
	// readAfter (offset mode) selects up to limit rows numbered above a
	// given number, in number order. Args: after, [split value,] limit.
	readAfter string
	// depth counts pending rows (and the oldest timestamp when a timestamp
	// field is set). Args: after (offset mode only).
	depth string
	// settled reports whether reads return the extra settled column.
	settled bool
	// deletesOnRead: lockBatch deletes the rows it returns (PostgreSQL:
	// one DELETE … RETURNING; the transaction commits after the acks).
	deletesOnRead bool
}

// xminHorizon is the 32-bit xmin of the current snapshot as an xid, so
// age() compares it with a row's xmin modulo wrap-around.
const xminHorizon = `(SELECT age(((pg_snapshot_xmin(pg_current_snapshot())::text::bigint % 4294967296)::text)::xid) AS a) AS h`

func buildQueries(d dialect.Dialect, p *plan, splits int, tsCol *dialect.Column) (*queries, error) {
	qt, err := d.QuoteIdent(p.table.Name)
	if err != nil {
		return nil, err
	}
	qo, err := d.QuoteIdent(p.orderCol.Name)
	if err != nil {
		return nil, err
	}
	var qs string
	if splits > 0 {
		if qs, err = d.QuoteIdent(p.splitCol.Name); err != nil {
			return nil, err
		}
	}
	var sel strings.Builder
	for i, c := range p.table.Columns {
		qc, err := d.QuoteIdent(c.Name)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			sel.WriteString(", ")
		}
		sel.WriteString("t." + qc)
		if d.Name() == dialect.NamePostgres && (c.Kind == dialect.String || c.Kind == dialect.FixedString) {
			sel.WriteString("::text AS " + qc)
		}
	}
	q := &queries{}
	switch d.Name() {
	case dialect.NamePostgres:
		q.settled = true
		cols := sel.String() + ", age(t.xmin) > h.a AS settled"
		splitText := "t." + qs + "::text" // mvarchar and numbers alike compare as text
		// Lock the first rows (skipping rows others hold), keep the prefix
		// before the first unsettled one, delete it and return it.
		q.deletesOnRead = true
		lock := func(after bool) string {
			var b strings.Builder
			fmt.Fprintf(&b, "WITH c AS (SELECT t.ctid AS tid, t.%s AS n, age(t.xmin) > h.a AS settled FROM %s AS t, %s", qo, qt, xminHorizon)
			n := 1
			var where []string
			if splits > 0 {
				where = append(where, fmt.Sprintf("%s = ANY($%d::text[])", splitText, n))
				n++
			}
			limit := n
			if after {
				where = append(where, fmt.Sprintf("t.%s > $%d", qo, n+1))
			}
			if len(where) > 0 {
				b.WriteString(" WHERE " + strings.Join(where, " AND "))
			}
			fmt.Fprintf(&b, " ORDER BY t.%s LIMIT $%d FOR UPDATE OF t SKIP LOCKED), ", qo, limit)
			b.WriteString("p AS (SELECT tid FROM c WHERE n < coalesce((SELECT min(n) FROM c WHERE NOT settled), n + 1)) ")
			fmt.Fprintf(&b, "DELETE FROM %s AS t USING p WHERE t.ctid = p.tid RETURNING %s", qt, sel.String())
			return b.String()
		}
		q.lockBatch, q.lockBatchAfter = lock(false), lock(true)
		var b strings.Builder
		fmt.Fprintf(&b, "SELECT %s FROM %s AS t, %s WHERE t.%s > $1", cols, qt, xminHorizon, qo)
		n := 2
		if splits > 0 {
			fmt.Fprintf(&b, " AND %s = $%d", splitText, n)
			n++
		}
		fmt.Fprintf(&b, " ORDER BY t.%s LIMIT $%d", qo, n)
		q.readAfter = b.String()
	case dialect.NameSQLServer:
		lock := func(after bool) string {
			var b strings.Builder
			fmt.Fprintf(&b, "SELECT TOP (@p1) %s FROM %s AS t WITH (UPDLOCK, ROWLOCK, READPAST)", sel.String(), qt)
			var where []string
			if splits > 0 {
				ph := make([]string, splits)
				for i := range ph {
					ph[i] = fmt.Sprintf("@p%d", i+2)
				}
				where = append(where, fmt.Sprintf("t.%s IN (%s)", qs, strings.Join(ph, ", ")))
			}
			if after {
				where = append(where, fmt.Sprintf("t.%s > @p%d", qo, splits+2))
			}
			if len(where) > 0 {
				b.WriteString(" WHERE " + strings.Join(where, " AND "))
			}
			fmt.Fprintf(&b, " ORDER BY t.%s", qo)
			return b.String()
		}
		q.lockBatch, q.lockBatchAfter = lock(false), lock(true)
		var b strings.Builder
		// READCOMMITTEDLOCK: the scan waits on rows a writer inserted but
		// has not committed (even under READ_COMMITTED_SNAPSHOT), so a
		// later number is not read past an earlier uncommitted one.
		fmt.Fprintf(&b, "SELECT TOP (@p3) %s FROM %s AS t WITH (READCOMMITTEDLOCK) WHERE t.%s > @p1", sel.String(), qt, qo)
		if splits > 0 {
			fmt.Fprintf(&b, " AND t.%s = @p2", qs)
		}
		fmt.Fprintf(&b, " ORDER BY t.%s", qo)
		q.readAfter = b.String()
	default:
		return nil, fmt.Errorf("dialect %s: %w", d.Name(), dialect.ErrUnknownDialect)
	}
	agg := "count(*)"
	if d.Name() == dialect.NameSQLServer {
		agg = "count_big(*)"
	}
	if tsCol != nil {
		qts, err := d.QuoteIdent(tsCol.Name)
		if err != nil {
			return nil, err
		}
		agg += ", min(t." + qts + ")"
	}
	hint := ""
	if d.Name() == dialect.NameSQLServer {
		hint = " WITH (NOLOCK)"
	}
	q.depth = fmt.Sprintf("SELECT %s FROM %s AS t%s", agg, qt, hint)
	return q, nil
}

// depthAfter returns the depth query with its WHERE clause for offset mode.
func (q *queries) depthAfter(d dialect.Dialect, p *plan) (string, error) {
	qo, err := d.QuoteIdent(p.orderCol.Name)
	if err != nil {
		return "", err
	}
	return q.depth + " WHERE t." + qo + " > " + d.Placeholder(1), nil
}
