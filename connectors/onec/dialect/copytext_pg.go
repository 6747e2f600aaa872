package dialect

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// appendCopyText appends one row in PostgreSQL's COPY text format
// (tab-separated, \N for NULL, backslash escapes) to buf. Values are in
// database form, as Encode returns them. Text input works for every column
// type, including mchar/mvarchar whatever their binary format.
func appendCopyText(buf []byte, t Table, cols []Column, row []any, rowNo int) ([]byte, error) {
	if len(row) != len(cols) {
		return buf, fmt.Errorf("bulk insert into %s: row %d has %d values for %d columns: %w", t.Name, rowNo, len(row), len(cols), ErrBadTable)
	}
	for j, c := range cols {
		if j > 0 {
			buf = append(buf, '\t')
		}
		v := row[j]
		if v == nil {
			buf = append(buf, `\N`...)
			continue
		}
		bad := func() error {
			return fmt.Errorf("bulk insert into %s: row %d: %w", t.Name, rowNo, encodeErr(c, v, "not in database form (use Encode)", nil))
		}
		switch c.Kind {
		case Binary16, TypeCode, RTRef, Bytes:
			b, ok := v.([]byte)
			if !ok {
				return buf, bad()
			}
			buf = append(buf, `\\x`...)
			buf = hex.AppendEncode(buf, b)
		case Bool:
			b, ok := v.(bool)
			if !ok {
				return buf, bad()
			}
			if b {
				buf = append(buf, 't')
			} else {
				buf = append(buf, 'f')
			}
		case String, FixedString:
			s, ok := v.(string)
			if !ok {
				return buf, bad()
			}
			buf = appendCopyEscaped(buf, s)
		case Numeric:
			n, ok := v.(pgtype.Numeric)
			if !ok {
				return buf, bad()
			}
			if !n.Valid {
				buf = append(buf, `\N`...)
				continue
			}
			if n.NaN || n.InfinityModifier != pgtype.Finite || n.Int == nil {
				return buf, bad()
			}
			buf = n.Int.Append(buf, 10)
			if n.Exp != 0 {
				buf = append(buf, 'e')
				buf = strconv.AppendInt(buf, int64(n.Exp), 10)
			}
		case DateTime:
			tm, ok := v.(time.Time)
			if !ok {
				return buf, bad()
			}
			buf = tm.AppendFormat(buf, "2006-01-02 15:04:05.999999")
		default: // Int, Version
			n, ok := toInt64(v)
			if !ok {
				return buf, bad()
			}
			buf = strconv.AppendInt(buf, n, 10)
		}
	}
	return append(buf, '\n'), nil
}

// appendCopyEscaped escapes backslash, newline, carriage return and tab.
func appendCopyEscaped(buf []byte, s string) []byte {
	if !bytesNeedEscape(s) {
		return append(buf, s...)
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			buf = append(buf, `\\`...)
		case '\n':
			buf = append(buf, `\n`...)
		case '\r':
			buf = append(buf, `\r`...)
		case '\t':
			buf = append(buf, `\t`...)
		default:
			buf = append(buf, c)
		}
	}
	return buf
}

func bytesNeedEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '\n', '\r', '\t':
			return true
		}
	}
	return false
}

// copyChunk is how much COPY text copyTextReader renders at a time.
const copyChunk = 64 << 10

// copyTextReader renders rows in COPY text format lazily, a chunk at a
// time, so a large batch never exists twice in memory. An encoding error
// ends the stream with that error, which makes the server abort the COPY.
type copyTextReader struct {
	t    Table
	cols []Column
	rows [][]any
	next int
	buf  []byte
	off  int
	err  error
}

func (r *copyTextReader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.err != nil {
			return 0, r.err
		}
		if r.next == len(r.rows) {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		for r.next < len(r.rows) && len(r.buf) < copyChunk {
			var err error
			if r.buf, err = appendCopyText(r.buf, r.t, r.cols, r.rows[r.next], r.next); err != nil {
				r.err = err
				break
			}
			r.next++
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}
