package cluster

import "fmt"

// Metadata is one member's JoinGroup protocol metadata (§3.3).
type Metadata struct {
	// Version is the header: 0 for "default", 1 for "compatible", 2 for
	// "sessioned".
	Version int16
	// URL is the member's advertised REST URL.
	URL string
	// ConfigOffset is the member's config-topic offset (last consumed + 1),
	// -1 if it has read nothing.
	ConfigOffset int64
	// Allocation (version ≥ 1) is the member's current full assignment as an
	// assignment blob whose Assigned lists everything it runs; nil when the
	// member holds no assignment snapshot (first join, or it dropped its
	// work after losing the coordinator).
	Allocation *Assignment
}

// EncodeMetadata serialises m. Version 0 has no allocation field; from
// version 1 on the allocation is written as NULLABLE_BYTES holding an
// assignment blob with its own version header (set it equal to m.Version,
// as Java does).
func EncodeMetadata(m Metadata) []byte {
	w := writer{b: make([]byte, 0, 64)}
	w.int16(m.Version)
	w.string(m.URL)
	w.int64(m.ConfigOffset)
	if m.Version >= 1 {
		if m.Allocation == nil {
			w.nullableBytes(nil)
		} else {
			w.nullableBytes(EncodeAssignment(*m.Allocation))
		}
	}
	return w.b
}

// DecodeMetadata parses member metadata of any version ≥ 0, tolerating a
// missing allocation and ignoring unknown trailing bytes. Malformed input
// gives an error wrapping ErrMalformed, never a panic.
func DecodeMetadata(b []byte) (Metadata, error) {
	r := reader{b: b}
	var m Metadata
	var err error
	if m.Version, err = r.int16("metadata version"); err != nil {
		return Metadata{}, err
	}
	if m.Version < 0 {
		return Metadata{}, fmt.Errorf("%w: metadata version %d", ErrMalformed, m.Version)
	}
	if m.URL, err = r.string("url"); err != nil {
		return Metadata{}, err
	}
	if m.ConfigOffset, err = r.int64("config offset"); err != nil {
		return Metadata{}, err
	}
	if m.Version == 0 || r.remaining() == 0 {
		return m, nil
	}
	blob, err := r.nullableBytes("allocation")
	if err != nil {
		return Metadata{}, err
	}
	if blob == nil {
		return m, nil
	}
	a, err := DecodeAssignment(blob)
	if err != nil {
		return Metadata{}, fmt.Errorf("allocation: %w", err)
	}
	m.Allocation = &a
	return m, nil
}
