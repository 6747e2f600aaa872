package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// bodyKey is where the raw request body is kept for forwarding.
const bodyKey = "onecconnect.body"

// param returns a path parameter, URL-decoded (routing happens on the
// escaped path, see normalizePath).
func param(c echo.Context, name string) (string, error) {
	v, err := url.PathUnescape(c.Param(name))
	if err != nil {
		return "", echo.ErrNotFound
	}
	return v, nil
}

// readBody reads the whole request body and keeps it for forwarding.
func readBody(c echo.Context) ([]byte, error) {
	if b, ok := c.Get(bodyKey).([]byte); ok {
		return b, nil
	}
	if c.Request().Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, echo.ErrStatusRequestEntityTooLarge
		}
		return nil, &bodyError{msg: "Cannot read the request body: " + err.Error()}
	}
	if err := checkDepth(b, DefaultMaxJSONDepth); err != nil {
		return nil, err
	}
	c.Set(bodyKey, b)
	return b, nil
}

// newDecoder returns a strict decoder over b: numbers as json.Number,
// unknown fields rejected.
func newDecoder(b []byte) *json.Decoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	return dec
}

// jsonError renders a decoding failure in the spirit of Jackson's
// messages, which Kafka answers with 500.
func jsonError(err error, entity string) error {
	msg := err.Error()
	if strings.HasPrefix(msg, "json: unknown field ") {
		field := strings.TrimPrefix(msg, "json: unknown field ")
		return &bodyError{msg: fmt.Sprintf("Unrecognized field %s (class %s), not marked as ignorable", field, entity)}
	}
	if errors.Is(err, io.EOF) {
		return &bodyError{msg: "No content to map due to end-of-input"}
	}
	return &bodyError{msg: "Cannot deserialize value of type " + entity + ": " + strings.TrimPrefix(msg, "json: ")}
}

// onlyValue checks nothing but whitespace follows the decoded value.
func onlyValue(dec *json.Decoder, entity string) error {
	if _, err := dec.Token(); err != io.EOF {
		return &bodyError{msg: "Unexpected content after the " + entity + " value"}
	}
	return nil
}

// configValue turns one JSON value of a config map into its string form:
// strings as they are, numbers as written, booleans as true/false (the
// coercion Jackson applies to Map<String,String>). ok is false for null.
func configValue(key string, raw json.RawMessage) (s string, ok bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "", false, &bodyError{msg: fmt.Sprintf("Cannot deserialize the value of %q: %v", key, err)}
	}
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case json.Number:
		return x.String(), true, nil
	case bool:
		if x {
			return "true", true, nil
		}
		return "false", true, nil
	}
	kind := "Array"
	if _, isObj := v.(map[string]any); isObj {
		kind = "Object"
	}
	return "", false, &bodyError{msg: fmt.Sprintf("Cannot deserialize value of type `java.lang.String` from %s value (key %q)", kind, key)}
}

// decodeConfigMap decodes a {"k": v, ...} body. null values are reported
// in nulls (sorted), so that callers can reject or delete them.
func decodeConfigMap(raw map[string]json.RawMessage) (props map[string]string, nulls []string, err error) {
	props = make(map[string]string, len(raw))
	for k, v := range raw {
		s, ok, err := configValue(k, v)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			nulls = append(nulls, k)
			continue
		}
		props[k] = s
	}
	sort.Strings(nulls)
	return props, nulls, nil
}

// readConfigMap reads a config map body (PUT config, validate).
func readConfigMap(c echo.Context) (map[string]string, []string, error) {
	b, err := readBody(c)
	if err != nil {
		return nil, nil, err
	}
	var raw map[string]json.RawMessage
	dec := newDecoder(b)
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, jsonError(err, "java.util.Map<java.lang.String,java.lang.String>")
	}
	if err := onlyValue(dec, "config"); err != nil {
		return nil, nil, err
	}
	return decodeConfigMap(raw)
}

// createRequest is Kafka's CreateConnectorRequest.
type createRequest struct {
	Name         *string                    `json:"name"`
	Config       map[string]json.RawMessage `json:"config"`
	InitialState *string                    `json:"initial_state"`
}

// offsetsBody is Kafka's ConnectorOffsets as a request body.
type offsetsBody struct {
	Offsets []struct {
		Partition json.RawMessage `json:"partition"`
		Offset    json.RawMessage `json:"offset"`
	} `json:"offsets"`
}

// readOffsets reads a PATCH /offsets body, numbers normalised to int64 or
// float64 as the offsets store keeps them.
func readOffsets(c echo.Context) ([]connect.OffsetEntry, error) {
	b, err := readBody(c)
	if err != nil {
		return nil, err
	}
	var body offsetsBody
	dec := newDecoder(b)
	if err := dec.Decode(&body); err != nil {
		return nil, jsonError(err, "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets")
	}
	if err := onlyValue(dec, "offsets"); err != nil {
		return nil, err
	}
	out := make([]connect.OffsetEntry, 0, len(body.Offsets))
	for i, e := range body.Offsets {
		p, err := storage.DecodeMap(e.Partition)
		if err != nil {
			return nil, &bodyError{msg: fmt.Sprintf("Cannot deserialize the partition of offset %d: %v", i, err)}
		}
		o, err := storage.DecodeMap(e.Offset)
		if err != nil {
			return nil, &bodyError{msg: fmt.Sprintf("Cannot deserialize the offset of offset %d: %v", i, err)}
		}
		out = append(out, connect.OffsetEntry{Partition: p, Offset: o})
	}
	return out, nil
}
