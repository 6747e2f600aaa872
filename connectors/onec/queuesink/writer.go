package queuesink

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-sql/civil"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	mssql "github.com/microsoft/go-mssqldb"
	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// pending is one converted record waiting for its batch.
type pending struct {
	row    []any // database form, plan column order; the sequence column is filled at write time
	id     any   // dedup id in database form, nil without dedup.field
	tp     connect.TopicPartition
	offset int64
}

// writer writes batches into the register. It is used by one task
// goroutine at a time.
type writer struct {
	db        *common.DB
	d         dialect.Dialect
	p         *plan
	sql       offsetSQL
	connector string
	hooks     *hooks // test hooks; nil in production
}

// writeResult says what one transaction did.
type writeResult struct {
	rows       int // rows inserted
	duplicates int // rows skipped by dedup.field
}

// write runs one database transaction:
//
//  1. move the stored offset of every partition in moves, fenced on the
//     value the task last saw (a row lock on each offsets row, held to the
//     commit, so a concurrent writer of the same partition waits and then
//     fails the fence);
//  2. with dedup.field, drop rows whose id is already in the register or
//     earlier in the batch;
//  3. with sequence.field, take one number per row from the sequence, in
//     batch order (records of one partition are in offset order);
//  4. bulk insert the rows (COPY on PostgreSQL, bulk copy on SQL Server);
//  5. commit.
//
// On PostgreSQL the BEGIN and steps 1 and 3 (without dedup.field) go to
// the server in one round trip, still executed one after the other in
// that order. Nothing is left behind on an error: the transaction rolls
// back.
func (w *writer) write(ctx context.Context, batch []pending, moves []offsetMove) (writeResult, error) {
	if w.d.Name() == dialect.NamePostgres {
		return w.writePG(ctx, batch, moves)
	}
	tx, err := w.db.Begin(ctx)
	if err != nil {
		return writeResult{}, err
	}
	defer tx.Rollback()
	q := tx.Querier()
	if err := moveOffsets(ctx, q, w.sql, w.connector, moves); err != nil {
		return writeResult{}, err
	}
	res, err := w.insert(ctx, q, batch, nil)
	if err != nil {
		return res, err
	}
	return res, w.commit(ctx, tx.Commit)
}

// writePG is write on PostgreSQL: the transaction runs on a connection of
// the pool, begun in the round trip that moves the offsets and takes the
// numbers. On an error the connection is closed, which rolls back.
func (w *writer) writePG(ctx context.Context, batch []pending, moves []offsetMove) (writeResult, error) {
	var res writeResult
	err := w.db.WithConn(ctx, func(q dialect.Querier, conn *pgx.Conn) error {
		if conn == nil {
			return fmt.Errorf("write to %s: no PostgreSQL connection", w.p.table.Name)
		}
		n := 0
		if w.p.seq != nil && w.p.dedup == nil {
			n = len(batch)
		}
		seq, err := w.beginMoveAndNumber(ctx, conn, moves, n)
		if err != nil {
			return err
		}
		if res, err = w.insert(ctx, q, batch, seq); err != nil {
			return err
		}
		return w.commit(ctx, func(ctx context.Context) error {
			tag, err := conn.Exec(ctx, "COMMIT")
			if err != nil {
				return fmt.Errorf("commit: %w", err)
			}
			if tag.String() != "COMMIT" { // the server rolled the transaction back
				return fmt.Errorf("commit: %w", pgx.ErrTxCommitRollback)
			}
			return nil
		})
	})
	return res, err
}

// insert runs steps 2–4 of write in the open transaction: dedup, numbers
// (seq when already taken, one per row of batch), bulk insert.
func (w *writer) insert(ctx context.Context, q dialect.Querier, batch []pending, seq []int64) (writeResult, error) {
	var res writeResult
	rows := make([][]any, 0, len(batch))
	for i := range batch {
		rows = append(rows, batch[i].row)
	}
	if w.p.dedup != nil && len(rows) > 0 {
		var dup int
		var err error
		if rows, dup, err = w.dedup(ctx, q, batch); err != nil {
			return res, err
		}
		res.duplicates = dup
	}
	if len(rows) == 0 {
		return res, nil
	}
	if w.p.seq != nil {
		if seq == nil {
			var err error
			if seq, err = w.nextValues(ctx, q, len(rows)); err != nil {
				return res, err
			}
		}
		if err := w.number(rows, seq); err != nil {
			return res, err
		}
	}
	n, err := w.d.BulkInsert(ctx, q, w.p.table, w.p.cols, rows)
	if err != nil {
		return res, classify(err)
	}
	if n != int64(len(rows)) {
		return res, fmt.Errorf("bulk insert into %s: %d rows inserted of %d", w.p.table.Name, n, len(rows))
	}
	res.rows = len(rows)
	return res, nil
}

// commit runs the test hooks around commit.
func (w *writer) commit(ctx context.Context, commit func(context.Context) error) error {
	if w.hooks != nil && w.hooks.beforeCommit != nil {
		if err := w.hooks.beforeCommit(); err != nil {
			return err
		}
	}
	if err := commit(ctx); err != nil {
		return err
	}
	if w.hooks != nil && w.hooks.afterCommit != nil {
		return w.hooks.afterCommit()
	}
	return nil
}

// beginMoveAndNumber begins a READ COMMITTED transaction on conn,
// applies the offset moves and, with n > 0, takes n sequence values, in
// one round trip: the statements are pipelined and run in order, so the
// offsets rows are locked in the moves' order as moveOffsets locks them.
// The values come back ascending.
func (w *writer) beginMoveAndNumber(ctx context.Context, conn *pgx.Conn, moves []offsetMove, n int) ([]int64, error) {
	b := &pgx.Batch{}
	b.Queue("BEGIN ISOLATION LEVEL READ COMMITTED")
	for _, m := range moves {
		sql, args := moveStatement(w.sql, w.connector, m)
		b.Queue(sql, args...)
	}
	var chunks []int
	for left := n; left > 0; left -= dialect.MaxSequenceBatch {
		k := min(left, dialect.MaxSequenceBatch)
		st, err := w.d.NextSequenceValues(w.p.seqName, k)
		if err != nil {
			return nil, err
		}
		b.Queue(st.SQL, st.Args...)
		chunks = append(chunks, k)
	}
	br := conn.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	for _, m := range moves {
		tag, err := br.Exec()
		if err := checkMove(m, tag.RowsAffected(), err); err != nil {
			return nil, err
		}
	}
	var vals []int64
	if n > 0 {
		vals = make([]int64, 0, n)
	}
	for _, k := range chunks {
		rows, err := br.Query()
		if err != nil {
			return nil, fmt.Errorf("next values of sequence %s: %w", w.p.seqName, err)
		}
		from := len(vals)
		for rows.Next() {
			var v int64
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("next values of sequence %s: %w", w.p.seqName, err)
			}
			vals = append(vals, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("next values of sequence %s: %w", w.p.seqName, err)
		}
		if got := len(vals) - from; got != k {
			return nil, fmt.Errorf("next values of sequence %s: got %d values, want %d", w.p.seqName, got, k)
		}
		slices.Sort(vals[from:])
	}
	if err := br.Close(); err != nil {
		return nil, fmt.Errorf("store offsets and number rows: %w", err)
	}
	return vals, nil
}

// nextValues takes n values from the sequence, ascending, in as few
// statements as the dialect allows.
func (w *writer) nextValues(ctx context.Context, q dialect.Querier, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	for left := n; left > 0; left -= dialect.MaxSequenceBatch {
		vals, err := dialect.NextValues(ctx, w.d, q, w.p.seqName, min(left, dialect.MaxSequenceBatch))
		if err != nil {
			return nil, err
		}
		slices.Sort(vals)
		out = append(out, vals...)
	}
	return out, nil
}

// number fills the sequence column of rows with vals (one per row), in
// row order.
func (w *writer) number(rows [][]any, vals []int64) error {
	if len(vals) != len(rows) {
		return fmt.Errorf("sequence %s: %d values for %d rows", w.p.seqName, len(vals), len(rows))
	}
	col := w.p.seq.dcol
	var ints intSlab
	for i, r := range rows {
		if p := col.Precision; p > 0 && p < len(pow10) && vals[i] >= pow10[p] {
			return fmt.Errorf("sequence %s value %d does not fit %s (%s)", w.p.seqName, vals[i], w.p.seq.name, w.p.seq.typ)
		}
		v, ok := encodeInt(w.d, &ints, vals[i])
		if !ok {
			var err error
			if v, err = w.d.Encode(col, vals[i], 0); err != nil {
				return fmt.Errorf("sequence %s value %d for %s: %w", w.p.seqName, vals[i], w.p.seq.name, err)
			}
		}
		r[w.p.seq.col] = v
	}
	return nil
}

// dedup returns the rows of batch whose dedup id is neither in the
// register nor earlier in the batch, and how many were dropped.
func (w *writer) dedup(ctx context.Context, q dialect.Querier, batch []pending) ([][]any, int, error) {
	t := w.p.dedup
	keys := make([][]any, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, b := range batch {
		k := normKey(t.dcol, b.id)
		if !seen[k] {
			seen[k] = true
			keys = append(keys, []any{b.id})
		}
	}
	stmts, err := w.d.SelectByKeys(w.p.table, []dialect.Column{t.dcol}, []string{t.dcol.Name}, keys)
	if err != nil {
		return nil, 0, err
	}
	exists := map[string]bool{}
	raw := make([]any, 1)
	for _, st := range stmts {
		rs, err := q.Query(ctx, st.SQL, st.Args...)
		if err != nil {
			return nil, 0, fmt.Errorf("look up %s ids in %s: %w", t.name, w.p.table.Name, err)
		}
		for rs.Next() {
			if err := rs.Scan(raw); err != nil {
				rs.Close()
				return nil, 0, err
			}
			exists[normKey(t.dcol, raw[0])] = true
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("look up %s ids in %s: %w", t.name, w.p.table.Name, err)
		}
	}
	out := make([][]any, 0, len(batch))
	taken := make(map[string]bool, len(batch))
	for _, b := range batch {
		k := normKey(t.dcol, b.id)
		if exists[k] || taken[k] {
			continue
		}
		taken[k] = true
		out = append(out, b.row)
	}
	return out, len(batch) - len(out), nil
}

// normKey renders a dedup id (database form, or as a driver returns it)
// comparably: strings case-insensitive without trailing padding (1C
// compares strings that way), numbers as normalised decimals, bytes as hex.
func normKey(col dialect.Column, v any) string {
	switch x := v.(type) {
	case nil:
		return "\x00null"
	case string:
		if col.Kind == dialect.Numeric {
			if d, err := decimal.NewFromString(strings.TrimSpace(x)); err == nil {
				return d.String()
			}
		}
		return strings.ToLower(strings.TrimRight(x, " "))
	case []byte:
		if col.Kind == dialect.Numeric || col.Kind == dialect.String || col.Kind == dialect.FixedString {
			return normKey(col, string(x))
		}
		return hex.EncodeToString(x)
	case pgtype.Numeric:
		if x.Int == nil {
			return "0"
		}
		return decimal.NewFromBigInt(x.Int, x.Exp).String()
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case civil.DateTime:
		return x.In(time.UTC).Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// classify wraps a unique-key violation of the register as
// ErrDuplicateRow; other errors stay as they are.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w (%s): the offsets table %s and the register disagree; was the offsets table cleared?", ErrDuplicateRow, pe.Message, OffsetsTable)
	}
	var me mssql.Error
	if errors.As(err, &me) && (me.Number == 2627 || me.Number == 2601) {
		return fmt.Errorf("%w (%s): the offsets table %s and the register disagree; was the offsets table cleared?", ErrDuplicateRow, me.Message, OffsetsTable)
	}
	return err
}
