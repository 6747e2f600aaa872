package tablesource

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// refTarget is a catalog-like target built by hand: _IDRRef key,
// _Version, one string attribute and one tabular section (no metadata, no
// database).
func refTarget() *target {
	cols := []dialect.Column{{Name: "_IDRRef", Kind: dialect.Binary16}, {Name: "_Version", Kind: dialect.Version},
		{Name: "_Description", Kind: dialect.String, Length: 100}}
	sec := []dialect.Column{{Name: "_Reference12_IDRRef", Kind: dialect.Binary16}, {Name: "_LineNo13", Kind: dialect.Numeric, Precision: 5},
		{Name: "_Fld14", Kind: dialect.String, Length: 10}}
	return &target{fullName: "Справочник.Товары", cols: cols, key: cols[:1], keyIdx: []int{0}, version: 1,
		table:     dialect.Table{Name: "_Reference12", Columns: cols, Key: []string{"_IDRRef"}},
		partition: map[string]any{"object": "Справочник.Товары"},
		sections: []section{{name: "Состав", cols: sec, lineIdx: -1,
			table: dialect.Table{Name: "_Reference12_VT13", Columns: sec, Key: []string{"_Reference12_IDRRef"}}}}}
}

// TestRestorePosition turns stored offsets into positions: in snapshot
// mode as stored; in incremental mode an offset without a usable row
// version (a pass done or stopped in snapshot mode, or one the database
// has not reached) starts a new full pass with a fresh watermark instead
// of reading from 0xFFFFFFFFFFFFFFFF (nothing, silently); an offset the
// connector cannot have written is an ErrBadOffset naming object and key.
func TestRestorePosition(t *testing.T) {
	const hi = 5000 // MIN_ACTIVE_ROWVERSION()
	done := time.UnixMilli(1700000000000)
	snapDone := doneOffset(job{pass: 3}, done) // what snapshot mode stores at the end of a pass
	tests := []struct {
		name        string
		off         map[string]any
		incremental bool
		want        position
		restart     string // substring of the reason; "" = none
		bad         string // substring of the ErrBadOffset; "" = none
	}{
		{name: "nothing stored, snapshot", want: position{pass: 1}},
		{name: "nothing stored, incremental", incremental: true, want: position{pass: 1, vstart: hi}},
		{name: "snapshot pass done, snapshot mode", off: snapDone,
			want: position{pass: 3, done: true, doneAt: done, version: -1}},
		{name: "snapshot pass done, now incremental", off: snapDone, incremental: true,
			want: position{pass: 4, vstart: hi}, restart: "without a row version"},
		{name: "done without version, incremental", off: map[string]any{OffsetPass: int64(2), OffsetDone: true}, incremental: true,
			want: position{pass: 3, vstart: hi}, restart: "without a row version"},
		{name: "incremental done, version kept", off: map[string]any{OffsetPass: int64(2), OffsetDone: true, OffsetVersion: int64(4000)},
			incremental: true, want: position{pass: 2, done: true, version: 4000}},
		{name: "end of an incremental first pass", off: doneOffset(job{pass: 1, vstart: 3000}, done), incremental: true,
			want: position{pass: 1, done: true, doneAt: done, version: 2999}},
		{name: "version the database has not reached", off: map[string]any{OffsetPass: int64(2), OffsetDone: true, OffsetVersion: int64(hi)},
			incremental: true, want: position{pass: 3, vstart: hi}, restart: "not below the database's MIN_ACTIVE_ROWVERSION() 5000"},
		{name: "mid-pass in snapshot mode, snapshot", off: map[string]any{OffsetPass: int64(1), OffsetAfter: `["a"]`, OffsetVStart: int64(0)},
			want: position{pass: 1, after: []string{"a"}}},
		{name: "mid-pass in snapshot mode, now incremental", off: map[string]any{OffsetPass: int64(1), OffsetAfter: `["a"]`, OffsetVStart: int64(0)},
			incremental: true, want: position{pass: 2, vstart: hi}, restart: "without a row-version watermark"},
		{name: "mid-pass incremental", off: map[string]any{OffsetPass: int64(1), OffsetAfter: `["a"]`, OffsetVStart: int64(1200)},
			incremental: true, want: position{pass: 1, after: []string{"a"}, vstart: 1200}},
		{name: "mid-pass watermark above the database", off: map[string]any{OffsetPass: int64(1), OffsetAfter: `["a"]`, OffsetVStart: int64(hi + 1)},
			incremental: true, want: position{pass: 2, vstart: hi}, restart: "above the database's"},
		{name: "start of a pass, incremental: new watermark", off: map[string]any{OffsetPass: int64(1), OffsetAfter: "", OffsetVStart: int64(0)},
			incremental: true, want: position{pass: 1, vstart: hi}},
		{name: "pass 0", off: map[string]any{OffsetPass: int64(0), OffsetDone: true}, bad: "pass = 0"},
		{name: "pass as text", off: map[string]any{OffsetPass: "1"}, bad: "pass"},
		{name: "done as text", off: map[string]any{OffsetPass: int64(1), OffsetDone: "yes"}, bad: "done"},
		{name: "version as a fraction", off: map[string]any{OffsetPass: int64(1), OffsetDone: true, OffsetVersion: 1.5}, incremental: true, bad: "version = 1.5"},
		{name: "watermark as text", off: map[string]any{OffsetPass: int64(1), OffsetVStart: "x"}, bad: "version.start"},
		{name: "after not JSON", off: map[string]any{OffsetPass: int64(1), OffsetAfter: "a"}, bad: "after"},
		{name: "after of another key", off: map[string]any{OffsetPass: int64(1), OffsetAfter: `["a","b"]`}, bad: "1 key texts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked := 0
			active := func() (int64, error) { asked++; return hi, nil }
			p, restart, err := restorePosition(refTarget(), tt.off, tt.incremental, active)
			if tt.bad != "" {
				if !errors.Is(err, ErrBadOffset) || !strings.Contains(err.Error(), tt.bad) || !strings.Contains(err.Error(), "Справочник.Товары") {
					t.Fatalf("error %v, want ErrBadOffset naming Справочник.Товары and %q", err, tt.bad)
				}
				return
			}
			must(t, err)
			if !reflect.DeepEqual(p, tt.want) {
				t.Errorf("position %+v, want %+v", p, tt.want)
			}
			if tt.restart == "" && restart != "" || !strings.Contains(restart, tt.restart) {
				t.Errorf("restart %q, want %q", restart, tt.restart)
			}
			if !tt.incremental && asked > 0 {
				t.Errorf("MIN_ACTIVE_ROWVERSION() asked in snapshot mode")
			}
		})
	}
	t.Run("MIN_ACTIVE_ROWVERSION() fails", func(t *testing.T) {
		boom := errors.New("boom")
		if _, _, err := restorePosition(refTarget(), snapDone, true, func() (int64, error) { return 0, boom }); !errors.Is(err, boom) {
			t.Fatalf("error %v, want boom", err)
		}
	})
}

// TestVersionBytes: a rowversion bound is 8 bytes big-endian, and "none
// delivered" (negative) is 0, below every row, never all ones.
func TestVersionBytes(t *testing.T) {
	for _, tt := range []struct {
		v    int64
		want []byte
	}{
		{-1, make([]byte, 8)},
		{-1 << 40, make([]byte, 8)},
		{0, make([]byte, 8)},
		{1, []byte{0, 0, 0, 0, 0, 0, 0, 1}},
		{0x0102030405060708, []byte{1, 2, 3, 4, 5, 6, 7, 8}},
	} {
		if got := versionBytes(tt.v); !bytes.Equal(got, tt.want) {
			t.Errorf("versionBytes(%d) = % x, want % x", tt.v, got, tt.want)
		}
	}
}

// TestChangedStmtArgs checks the changed-rows statement and its arguments:
// TOP, the exclusive lower bound (the last version delivered; 0 when none
// is), the upper bound; an object without _Version is refused.
func TestChangedStmtArgs(t *testing.T) {
	d := dialect.SQLServer()
	tg := refTarget()
	want, err := versionSQL(d, "_Reference12", "_Version", tg.cols)
	must(t, err)
	for _, tt := range []struct {
		after, below int64
		lo, hi       []byte
	}{
		{-1, 0x2000, make([]byte, 8), []byte{0, 0, 0, 0, 0, 0, 0x20, 0}},
		{0x1fff, 0x2000, []byte{0, 0, 0, 0, 0, 0, 0x1f, 0xff}, []byte{0, 0, 0, 0, 0, 0, 0x20, 0}},
	} {
		st, err := changedStmt(d, tg, 500, tt.after, tt.below)
		must(t, err)
		if st.SQL != want {
			t.Errorf("SQL %q, want %q", st.SQL, want)
		}
		if len(st.Args) != 3 || st.Args[0] != 500 || !bytes.Equal(st.Args[1].([]byte), tt.lo) || !bytes.Equal(st.Args[2].([]byte), tt.hi) {
			t.Errorf("after %d below %d: args %v, want [500 % x % x]", tt.after, tt.below, st.Args, tt.lo, tt.hi)
		}
	}
	reg := refTarget()
	reg.version = -1
	if _, err := changedStmt(d, reg, 500, 0, 1); err == nil || !strings.Contains(err.Error(), "no _Version column") {
		t.Errorf("an object without _Version: error %v", err)
	}
}

// TestSnapshotThenIncremental is the switch of a connector from
// mode=snapshot to mode=incremental through the task: the offset stored at
// the end of a snapshot pass leads to a new full pass under a watermark
// (one MIN_ACTIVE_ROWVERSION() for every object), whose end offset makes
// the changed-rows read start at the watermark, not after 0xFF…FF.
func TestSnapshotThenIncremental(t *testing.T) {
	const hi = 0x3000
	tg := refTarget()
	other := refTarget()
	other.fullName, other.partition = "Справочник.Прочее", map[string]any{"object": "Справочник.Прочее"}
	tctx := &fakeTaskContext{}
	tctx.commit(nil)
	tctx.SetOffset(tg.partition, doneOffset(job{t: tg, pass: 1}, time.Now()))    // snapshot mode's last record
	tctx.SetOffset(other.partition, doneOffset(job{t: tg, pass: 7}, time.Now())) // another pass number
	tk := &Task{tctx: tctx, log: tctx.Logger(), s: &settings{mode: ModeIncremental}, targets: []*target{tg, other}}
	asked := 0
	must(t, tk.restore(t.Context(), func() (int64, error) { asked++; return hi, nil }))
	if asked != 1 {
		t.Errorf("MIN_ACTIVE_ROWVERSION() asked %d times, want once", asked)
	}
	jobs := tk.pendingJobs()
	if len(jobs) != 2 || jobs[0].pass != 2 || jobs[0].vstart != hi || jobs[0].after != nil || jobs[1].pass != 8 || jobs[1].vstart != hi {
		t.Fatalf("jobs %+v, want new full passes 2 and 8 from the start under watermark %#x", jobs, hi)
	}
	// The pass ends: its last record's offset, stored and restored.
	end := doneOffset(jobs[0], time.Now())
	tctx.SetOffset(tg.partition, end)
	must(t, tk.restore(t.Context(), func() (int64, error) { return hi + 10, nil }))
	p := tk.pos[tg.fullName]
	if !p.done || p.version != hi-1 {
		t.Fatalf("after the pass: %+v, want done with version %#x", p, hi-1)
	}
	st, err := changedStmt(dialect.SQLServer(), tg, 100, p.version, hi+10)
	must(t, err)
	if lo := st.Args[1].([]byte); !bytes.Equal(lo, versionBytes(hi-1)) {
		t.Errorf("changed rows read after % x, want after % x", lo, versionBytes(hi-1))
	}
}
