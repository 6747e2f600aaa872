package cluster

import (
	"encoding/binary"
	"fmt"
	"math"
)

// writer appends Kafka "classic" protocol primitives (§3.2), big-endian.
type writer struct{ b []byte }

func (w *writer) int16(v int16) { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)) }
func (w *writer) int32(v int32) { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)) }
func (w *writer) int64(v int64) { w.b = binary.BigEndian.AppendUint64(w.b, uint64(v)) }

// string writes a non-nullable STRING; longer strings are cut at the INT16
// limit (names that long are rejected by every config validator anyway).
func (w *writer) string(s string) {
	if len(s) > math.MaxInt16 {
		s = s[:math.MaxInt16]
	}
	w.int16(int16(len(s)))
	w.b = append(w.b, s...)
}

// nullableBytes writes NULLABLE_BYTES; nil is written as length -1.
func (w *writer) nullableBytes(p []byte) {
	if p == nil {
		w.int32(-1)
		return
	}
	w.int32(int32(len(p)))
	w.b = append(w.b, p...)
}

// reader consumes Kafka protocol primitives; every method fails with
// ErrMalformed instead of panicking on short or hostile input.
type reader struct {
	b   []byte
	off int
}

func (r *reader) remaining() int { return len(r.b) - r.off }

func (r *reader) need(n int, what string) error {
	if n < 0 || r.remaining() < n {
		return fmt.Errorf("%w: %s at byte %d: need %d bytes, have %d", ErrMalformed, what, r.off, n, r.remaining())
	}
	return nil
}

func (r *reader) int16(what string) (int16, error) {
	if err := r.need(2, what); err != nil {
		return 0, err
	}
	v := int16(binary.BigEndian.Uint16(r.b[r.off:]))
	r.off += 2
	return v, nil
}

func (r *reader) int32(what string) (int32, error) {
	if err := r.need(4, what); err != nil {
		return 0, err
	}
	v := int32(binary.BigEndian.Uint32(r.b[r.off:]))
	r.off += 4
	return v, nil
}

func (r *reader) int64(what string) (int64, error) {
	if err := r.need(8, what); err != nil {
		return 0, err
	}
	v := int64(binary.BigEndian.Uint64(r.b[r.off:]))
	r.off += 8
	return v, nil
}

func (r *reader) string(what string) (string, error) {
	n, err := r.int16(what + " length")
	if err != nil {
		return "", err
	}
	if n < 0 {
		return "", fmt.Errorf("%w: %s: negative string length %d", ErrMalformed, what, n)
	}
	if err := r.need(int(n), what); err != nil {
		return "", err
	}
	s := string(r.b[r.off : r.off+int(n)])
	r.off += int(n)
	return s, nil
}

// nullableBytes reads NULLABLE_BYTES; length -1 gives nil.
func (r *reader) nullableBytes(what string) ([]byte, error) {
	n, err := r.int32(what + " length")
	if err != nil {
		return nil, err
	}
	if n == -1 {
		return nil, nil
	}
	if n < -1 {
		return nil, fmt.Errorf("%w: %s: negative length %d", ErrMalformed, what, n)
	}
	if err := r.need(int(n), what); err != nil {
		return nil, err
	}
	p := make([]byte, n)
	copy(p, r.b[r.off:])
	r.off += int(n)
	return p, nil
}

// arrayLen reads an ARRAY count; -1 (null) is reported as null=true. The
// count is checked against the bytes left, given the minimum encoded size of
// one element, so a hostile count cannot make the decoder allocate.
func (r *reader) arrayLen(what string, minElem int) (n int, null bool, err error) {
	c, err := r.int32(what + " count")
	if err != nil {
		return 0, false, err
	}
	if c == -1 {
		return 0, true, nil
	}
	if c < -1 {
		return 0, false, fmt.Errorf("%w: %s: negative array count %d", ErrMalformed, what, c)
	}
	if int64(c)*int64(minElem) > int64(r.remaining()) {
		return 0, false, fmt.Errorf("%w: %s: %d elements cannot fit in %d bytes", ErrMalformed, what, c, r.remaining())
	}
	return int(c), false, nil
}
