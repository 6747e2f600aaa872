package common

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrOffsetsRefused is wrapped by every refusal of offsets submitted
// through the REST API (KIP-875 PATCH /connectors/<name>/offsets).
var ErrOffsetsRefused = errors.New("offsets refused")

// OffsetsError is a connector's refusal of submitted offsets: every
// problem found, each naming its entry's partition, the key, the value and
// what is wanted. Nothing of the request was stored.
type OffsetsError struct {
	Connector string // the connector class
	Problems  []string
}

// Error names the connector, says the offsets are unchanged and lists the
// problems.
func (e *OffsetsError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("%s: offsets unchanged, 1 problem: %s", e.Connector, e.Problems[0])
	}
	return fmt.Sprintf("%s: offsets unchanged, %d problems: %s", e.Connector, len(e.Problems), strings.Join(e.Problems, "; "))
}

// Unwrap returns ErrOffsetsRefused.
func (e *OffsetsError) Unwrap() error { return ErrOffsetsRefused }

// JSONText renders v as compact JSON, map keys sorted and non-ASCII text
// kept, as the REST API shows offsets; a value JSON cannot encode is
// rendered with %v.
func JSONText(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprintf("%v", v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
