package avro

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// jnode is a JSON value that keeps object members in document order, which
// encoding/json's map decoding loses. Connect parameters are ordered, so the
// Avro → Connect mapping reads "connect.parameters" from these trees.
type jnode struct {
	kind  jkind
	str   string   // jString, and the literal of jNumber
	b     bool     // jBool
	items []*jnode // jArray
	keys  []string // jObject member names, in order
	vals  []*jnode // jObject member values
}

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

// maxJSONDepth bounds nesting when parsing schema text from a registry.
const maxJSONDepth = 256

func parseJSON(data []byte) (*jnode, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readJNode(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("parse schema JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("parse schema JSON: trailing data")
	}
	return n, nil
}

func readJNode(dec *json.Decoder, depth int) (*jnode, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jnode{kind: jNull}, nil
	case bool:
		return &jnode{kind: jBool, b: t}, nil
	case json.Number:
		return &jnode{kind: jNumber, str: t.String()}, nil
	case string:
		return &jnode{kind: jString, str: t}, nil
	case json.Delim:
		switch t {
		case '[':
			n := &jnode{kind: jArray}
			for dec.More() {
				item, err := readJNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, item)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '{':
			n := &jnode{kind: jObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", kt)
				}
				v, err := readJNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// get returns an object member (the last one of that name).
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != jObject {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i] == key {
			return n.vals[i]
		}
	}
	return nil
}

// getString returns a string member and whether it exists as a string.
func (n *jnode) getString(key string) (string, bool) {
	v := n.get(key)
	if v == nil || v.kind != jString {
		return "", false
	}
	return v.str, true
}

// value converts the node to plain Go values: nil, bool, json.Number,
// string, []any, map[string]any.
func (n *jnode) value() any {
	switch n.kind {
	case jBool:
		return n.b
	case jNumber:
		return json.Number(n.str)
	case jString:
		return n.str
	case jArray:
		out := make([]any, len(n.items))
		for i, it := range n.items {
			out[i] = it.value()
		}
		return out
	case jObject:
		out := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			out[k] = n.vals[i].value()
		}
		return out
	}
	return nil
}
