package metadata

import (
	"fmt"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// Tree positions in 1c-layout.md are 1-based (DaJet's notation); these
// helpers take such paths so the code reads like the reference.

func zeroBased(path []int) []int {
	p := make([]int, len(path))
	for i, v := range path {
		p[i] = v - 1
	}
	return p
}

func at1(n *brace.Node, path ...int) (*brace.Node, error) { return n.At(zeroBased(path)...) }

func str1(n *brace.Node, path ...int) (string, error) { return n.Str(zeroBased(path)...) }

func int1(n *brace.Node, path ...int) (int, error) { return n.Int(zeroBased(path)...) }

func list1(n *brace.Node, path ...int) (*brace.Node, error) { return n.ListAt(zeroBased(path)...) }

func uuid1(n *brace.Node, path ...int) (uuid1c.UUID, error) {
	s, err := str1(n, path...)
	if err != nil {
		return uuid1c.UUID{}, err
	}
	return uuid1c.Parse(s)
}

// intOr returns the integer at path, or def when the path is absent or not
// a number (for settings older formats lack).
func intOr(n *brace.Node, def int, path ...int) int {
	v, err := int1(n, path...)
	if err != nil {
		return def
	}
	return v
}

// synonym reads a multi-language string list {count, lang, text, ...} and
// returns the first text ("" for {0}).
func synonym(n *brace.Node) string {
	if n == nil || !n.IsList || len(n.List) < 3 {
		return ""
	}
	return n.List[2].Text
}

// collection finds the child collection {typeUUID, count, items...} of a
// descriptor by its type UUID (§5.1), rather than by position.
func collection(d *brace.Node, typeUUID uuid1c.UUID) ([]*brace.Node, error) {
	want := typeUUID.String()
	for i := 3; i < len(d.List); i++ {
		c := d.List[i]
		if !c.IsList || len(c.List) < 2 || c.List[0].IsList || c.List[0].Text != want {
			continue
		}
		count, err := c.Int(1)
		if err != nil {
			return nil, fmt.Errorf("collection %s: %w", want, err)
		}
		if count < 0 || count != len(c.List)-2 {
			return nil, fmt.Errorf("collection %s: declares %d items, has %d", want, count, len(c.List)-2)
		}
		return c.List[2:], nil
	}
	return nil, nil
}

// refList reads the {0, count, {"#",157fa490-…,{1,<uuid>}}, …} lists of
// catalog owners and document register records.
func refList(n *brace.Node) ([]uuid1c.UUID, error) {
	count, err := int1(n, 2)
	if err != nil {
		return nil, err
	}
	if count < 0 || count > len(n.List)-2 {
		return nil, fmt.Errorf("reference list declares %d items, has %d", count, len(n.List)-2)
	}
	out := make([]uuid1c.UUID, 0, count)
	for k := 1; k <= count; k++ {
		u, err := uuid1(n, k+2, 3, 2)
		if err != nil {
			return nil, fmt.Errorf("reference list item %d: %w", k, err)
		}
		out = append(out, u)
	}
	return out, nil
}
