package metadata

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// MaxBodySize bounds the inflated size of one file body; a larger body is
// rejected with ErrBodyTooLarge (a defence against compression bombs).
const MaxBodySize = 256 << 20

// ErrBodyTooLarge is returned when a file body inflates past MaxBodySize.
var ErrBodyTooLarge = errors.New("metadata: file body too large")

// InflateBody decodes one Config/Params file body (all parts already joined,
// cut to DataSize) by 1c-layout.md §1.3: a body starting with the UTF-8 BOM
// is plain text; anything else is raw DEFLATE (RFC 1951, no zlib header).
// The returned text has its leading BOM removed.
func InflateBody(b []byte) ([]byte, error) {
	var in inflater
	out, err := in.inflate(b)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(out), nil
}

// inflater decodes many bodies with one decompressor and one output
// buffer (a new flate reader allocates about 40 KB; a load inflates
// thousands of bodies). The text it returns is valid until the next call.
type inflater struct {
	src bytes.Reader
	r   io.ReadCloser
	out bytes.Buffer
}

func (in *inflater) inflate(b []byte) ([]byte, error) {
	if bytes.HasPrefix(b, utf8BOM) {
		return b[len(utf8BOM):], nil
	}
	in.src.Reset(b)
	if in.r == nil {
		in.r = flate.NewReader(&in.src)
	} else if err := in.r.(flate.Resetter).Reset(&in.src, nil); err != nil {
		return nil, fmt.Errorf("inflate file body: %w", err)
	}
	in.out.Reset()
	if _, err := in.out.ReadFrom(io.LimitReader(in.r, MaxBodySize+1)); err != nil {
		return nil, fmt.Errorf("inflate file body (%d bytes): %w", len(b), err)
	}
	if in.out.Len() > MaxBodySize {
		return nil, fmt.Errorf("inflate file body: %w (over %d bytes)", ErrBodyTooLarge, MaxBodySize)
	}
	return bytes.TrimPrefix(in.out.Bytes(), utf8BOM), nil
}

// DeflateBody compresses text with raw DEFLATE, as the platform stores most
// Config/Params rows. It compresses b as given: pass brace.MarshalFile output
// (with its BOM) for the platform's exact shape.
func DeflateBody(b []byte) []byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.DefaultCompression)
	if err != nil { // only for an invalid level, which DefaultCompression is not
		panic(err)
	}
	_, _ = w.Write(b) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	return buf.Bytes()
}
