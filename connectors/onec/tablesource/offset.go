package tablesource

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// Offset keys; the source partition is {"object": full name}.
const (
	OffsetPass    = "pass"          // number of the full pass, from 1
	OffsetAfter   = "after"         // JSON array of the last key's texts ("" = from the start)
	OffsetDone    = "done"          // the pass is complete
	OffsetDoneMS  = "done.ms"       // when it completed (unix ms)
	OffsetVersion = "version"       // incremental: last _Version delivered (negative: none, see doneOffset)
	OffsetVStart  = "version.start" // incremental: every row at or above it is read after the snapshot
)

// position is how far an object is read.
type position struct {
	pass    int64
	after   []string
	done    bool
	doneAt  time.Time
	version int64 // incremental: last _Version delivered
	vstart  int64 // incremental: watermark of the running pass
}

// doneOffset is the offset of the record that ends j's pass. Its version
// is the last _Version the pass covers: vstart-1, every row below the
// watermark taken before the pass started. In snapshot mode there is no
// watermark (vstart 0), so the version is -1: "none", which
// restorePosition turns into a new full pass if the connector is switched
// to mode=incremental.
func doneOffset(j job, now time.Time) map[string]any {
	return map[string]any{OffsetPass: j.pass, OffsetDone: true, OffsetDoneMS: now.UnixMilli(), OffsetVersion: j.vstart - 1}
}

// offsetProblem is one key of an offset that this connector cannot have
// written: the object whose offset it is, the key, the value found and
// what is wanted there.
type offsetProblem struct {
	object string
	key    string
	value  any
	want   string
}

// String renders p as "<object>: <key> = <value>: <want>".
func (p offsetProblem) String() string {
	return fmt.Sprintf("%s: %s = %#v: %s", p.object, p.key, p.value, p.want)
}

// joinProblems renders ps on one line, "; " between them.
func joinProblems(ps []offsetProblem) string {
	texts := make([]string, len(ps))
	for i, p := range ps {
		texts[i] = p.String()
	}
	return strings.Join(texts, "; ")
}

// parseOffset reads the offset off of object (nil: none stored) into a
// position, without the database: every key of the wrong type, a pass
// below 1 and a resume key of the wrong shape is a problem, all of them
// listed (the position is then partial). key is the object's keyset key
// (target.key), which sets how many texts "after" must hold; nil when the
// metadata is not at hand, and "after" must then be a JSON array of at
// least one text. Keys this connector does not write are not looked at
// (see unknownOffsetKeys). hasVersion reports a valid "version" key.
//
// Shared by restorePosition (a stored offset, at the task's start) and
// AlterExternalOffsets (a submitted one, before it is stored).
func parseOffset(object string, off map[string]any, key []dialect.Column) (p position, hasVersion bool, problems []offsetProblem) {
	p = position{pass: 1}
	if off == nil {
		return p, false, nil
	}
	bad := func(k, want string) {
		problems = append(problems, offsetProblem{object: object, key: k, value: off[k], want: want})
	}
	if v, ok := off[OffsetPass]; ok {
		if n, ok := v.(int64); ok && n >= 1 {
			p.pass = n
		} else {
			bad(OffsetPass, "want a whole number from 1")
		}
	}
	if v, ok := off[OffsetDone]; ok {
		if p.done, ok = v.(bool); !ok {
			bad(OffsetDone, "want true or false")
		}
	}
	if v, ok := off[OffsetDoneMS]; ok {
		if ms, ok := v.(int64); ok {
			p.doneAt = time.UnixMilli(ms)
		} else {
			bad(OffsetDoneMS, "want unix milliseconds")
		}
	}
	if v, ok := off[OffsetVStart]; ok {
		if p.vstart, ok = v.(int64); !ok {
			bad(OffsetVStart, "want a row version (a whole number)")
		}
	}
	if v, ok := off[OffsetVersion]; ok {
		if p.version, hasVersion = v.(int64); !hasVersion {
			bad(OffsetVersion, "want a row version (a whole number)")
		}
	}
	if v, ok := off[OffsetAfter]; ok && !p.done {
		if after, want := parseAfter(v, key); want != "" {
			bad(OffsetAfter, want)
		} else {
			p.after = after
		}
	}
	if !p.done {
		p.doneAt, p.version = time.Time{}, 0
	}
	return p, hasVersion, problems
}

// parseAfter reads the value of "after": "" is the start of the pass
// (nil), else a JSON array of the key's texts, as many as key has columns
// (at least one when key is nil: not known). want says what is wrong, ""
// when nothing is.
func parseAfter(v any, key []dialect.Column) (after []string, want string) {
	s, ok := v.(string)
	if !ok {
		return nil, "want a JSON array of key texts"
	}
	if s == "" {
		return nil, ""
	}
	err := json.Unmarshal([]byte(s), &after)
	switch {
	case key == nil && (err != nil || len(after) == 0):
		return nil, `want a JSON array of the key's texts (["…", …]), or "" for the start of the pass`
	case key != nil && (err != nil || len(after) != len(key)):
		names := make([]string, len(key))
		for i, c := range key {
			names[i] = c.Name
		}
		return nil, fmt.Sprintf("want a JSON array of the %d key texts (%s)", len(key), strings.Join(names, ", "))
	}
	return after, ""
}

// restorePosition turns tg's stored offset (nil: none) into its position.
// active returns the database's MIN_ACTIVE_ROWVERSION(); it is called only
// in incremental mode, where a pass needs a watermark and a stored row
// version is checked against the database.
//
// An offset this connector cannot have written (a key of the wrong type, a
// pass below 1, a resume key of the wrong shape: parseOffset) is an error
// wrapping ErrBadOffset: the task fails and says which object and keys,
// rather than guess. An offset that is well-formed but cannot be continued in
// incremental mode is dropped for a new full pass (at least once: rows are
// sent again, none is skipped); restart then says what was stored, for
// the log:
//   - a completed pass without a row version (written in snapshot mode, or
//     by hand): reading changes from _Version 0 would be right too, but
//     _Version has no index, so every batch would sort the whole table;
//     a keyset pass, then the changes, reads the same data;
//   - a pass stopped in the middle without a watermark (snapshot mode):
//     rows before the resume key changed since would be missed;
//   - a row version or watermark the database has not reached (restored
//     from a backup, or another database): nothing would be read until it
//     caught up, and the changes in between never.
func restorePosition(tg *target, off map[string]any, incremental bool, active func() (int64, error)) (p position, restart string, err error) {
	p, hasVersion, problems := parseOffset(tg.fullName, off, tg.key)
	if len(problems) > 0 {
		return p, "", fmt.Errorf("%w: %s; correct or delete it with PATCH or DELETE /connectors/<name>/offsets on the stopped connector",
			ErrBadOffset, joinProblems(problems))
	}
	if !incremental {
		return p, "", nil
	}
	hi, err := active()
	if err != nil {
		return p, "", err
	}
	switch {
	case p.done && (!hasVersion || p.version < 0):
		restart = "a completed pass without a row version (read in snapshot mode)"
	case p.done && p.version >= hi:
		restart = fmt.Sprintf("row version %d is not below the database's MIN_ACTIVE_ROWVERSION() %d (restored from a backup, or another database?)", p.version, hi)
	case !p.done && p.after != nil && p.vstart <= 0:
		restart = "the middle of a pass read without a row-version watermark (snapshot mode)"
	case !p.done && p.after != nil && p.vstart > hi:
		restart = fmt.Sprintf("watermark %d is above the database's MIN_ACTIVE_ROWVERSION() %d (restored from a backup, or another database?)", p.vstart, hi)
	case !p.done && p.after == nil:
		// A pass from its start: take the watermark now.
		p.vstart = hi
		return p, "", nil
	default:
		return p, "", nil
	}
	return position{pass: p.pass + 1, vstart: hi}, restart, nil
}

// versionBytes is a rowversion parameter. A negative v (no version
// delivered) is 0, below every rowversion: an exclusive lower bound that
// lets every row through, never the all-ones one that lets none.
func versionBytes(v int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(max(v, 0)))
	return b
}
