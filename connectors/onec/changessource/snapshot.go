package changessource

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// snapState is the progress of one object's initial snapshot.
type snapState struct {
	after []string // texts of the last key emitted; nil = from the start
}

// Snapshot offset values.
const (
	snapRunning = "running"
	snapDone    = "done"
)

// restoreSnapshot decides from the stored offset whether tg still needs
// (the rest of) its initial snapshot.
func restoreSnapshot(tg *target, off map[string]any, mode string) (*snapState, error) {
	if mode == SnapshotNever {
		return nil, nil
	}
	if off == nil {
		return &snapState{}, nil
	}
	if off[OffsetSnapshot] != snapRunning {
		return nil, nil // done, or streaming already
	}
	st := &snapState{}
	if s, ok := off[OffsetAfter].(string); ok && s != "" {
		if err := json.Unmarshal([]byte(s), &st.after); err != nil || len(st.after) != len(tg.keyCols) {
			return nil, fmt.Errorf("stored snapshot position of %s is malformed: %q", tg.fullName, s)
		}
	}
	return st, nil
}

// snapshotStep emits the next page of the first object whose snapshot is
// unfinished (op r), or nothing when every snapshot is done.
//
// Transaction scope: one read-only transaction per page; no locks kept.
func (t *Task) snapshotStep(ctx context.Context) ([]*connect.SourceRecord, error) {
	for _, tg := range t.targets {
		st := t.snaps[tg.fullName]
		if st == nil {
			continue
		}
		keys, last, err := t.snapshotKeys(ctx, tg, st)
		if err != nil {
			return nil, err
		}
		if len(keys) == 0 {
			delete(t.snaps, tg.fullName)
			t.log.Info("snapshot of an object finished", "object", tg.fullName)
			continue
		}
		ls, err := t.read(ctx, tg, keys)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		var out []*connect.SourceRecord
		for i, l := range ls {
			off := map[string]any{OffsetSnapshot: snapRunning}
			b, _ := json.Marshal(l.key.text)
			off[OffsetAfter] = string(b)
			if last && i == len(ls)-1 {
				off = map[string]any{OffsetSnapshot: snapDone}
			}
			if l.data == nil {
				continue // deleted between the key read and the row read
			}
			out = append(out, tg.records(l, OpRead, false, off, now)...)
		}
		if last {
			delete(t.snaps, tg.fullName)
			t.log.Info("snapshot of an object finished", "object", tg.fullName)
		} else {
			st.after = keys[len(keys)-1].text
		}
		t.metrics.AddBatch()
		t.metrics.AddRecords(len(out))
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, nil
}

// encodeKeyTexts turns a snapshot position's key texts into query
// arguments of the key columns; on error, at is the index of the text
// that does not fit its column.
func encodeKeyTexts(d dialect.Dialect, cols []dialect.Column, texts []string, yo int) (args []any, at int, err error) {
	args = make([]any, len(texts))
	for i, s := range texts {
		v, err := common.ParseText(cols[i], s)
		if err == nil {
			args[i], err = d.Encode(cols[i], v, yo)
		}
		if err != nil {
			return nil, i, err
		}
	}
	return args, 0, nil
}

// snapshotKeys reads the next page of object keys in key order; last is
// true when the page is the final one.
func (t *Task) snapshotKeys(ctx context.Context, tg *target, st *snapState) ([]objectKey, bool, error) {
	d := t.db.Dialect()
	yo := yearOffset(t.ib)
	if tg.shape == shapeConstant {
		raw := []any{nil}
		k := objectKey{text: []string{""}, params: []any{nil}, id: joinKey([]string{""}, raw)}
		if st.after != nil {
			return nil, true, nil
		}
		return []objectKey{k}, true, nil
	}
	var after []any
	if st.after != nil {
		var err error
		if after, _, err = encodeKeyTexts(d, tg.keyCols, st.after, yo); err != nil {
			return nil, false, fmt.Errorf("snapshot position of %s: %w", tg.fullName, err)
		}
	}
	limit := t.s.batchSize
	q, err := distinctKeysSQL(d, tg.main.Name, tg.main.Key, tg.keyIsString, after != nil)
	if err != nil {
		return nil, false, err
	}
	var args []any
	if d.Name() == dialect.NameSQLServer {
		args = append([]any{limit}, after...)
	} else {
		args = append(after, limit)
	}
	tx, err := t.db.Begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	rows, err := query(ctx, tx.Querier(), []dialect.Stmt{{SQL: q, Args: args}}, len(tg.keyCols))
	if err != nil {
		return nil, false, fmt.Errorf("snapshot of %s: %w", tg.fullName, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, false, fmt.Errorf("snapshot of %s: %w", tg.fullName, err)
	}
	keys := make([]objectKey, 0, len(rows))
	for _, r := range rows {
		k, err := tg.keyFromRaw(d, r, yo)
		if err != nil {
			return nil, false, err
		}
		keys = append(keys, k)
	}
	return keys, len(rows) < limit, nil
}
