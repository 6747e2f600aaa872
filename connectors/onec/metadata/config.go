package metadata

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

var componentCommon = uuid1c.MustParse("9cd510cd-abfc-11d4-9434-004095e12fc7")

// mainConfig is what the loader needs from the main configuration file.
type mainConfig struct {
	name, synonym string
	compat        int
	// lists maps a metadata-type UUID to the object UUIDs of that type,
	// gathered from every component.
	lists map[uuid1c.UUID][]uuid1c.UUID
}

// parseMainConfig reads §3.1: the components at M[4]..., their type lists
// (found by shape, not position), and the configuration properties under
// the Common component.
func parseMainConfig(m *brace.Node) (*mainConfig, error) {
	count, err := int1(m, 3)
	if err != nil {
		return nil, fmt.Errorf("component count: %w", err)
	}
	if count < 1 || count+3 > len(m.List) {
		return nil, fmt.Errorf("%w: %d components declared, %d items", errDescriptor, count, len(m.List))
	}
	cfg := &mainConfig{lists: map[uuid1c.UUID][]uuid1c.UUID{}}
	foundCommon := false
	for i := 4; i < 4+count; i++ {
		comp, err := list1(m, i)
		if err != nil {
			return nil, fmt.Errorf("component %d: %w", i-3, err)
		}
		cu, err := uuid1(comp, 1)
		if err != nil {
			return nil, fmt.Errorf("component %d: %w", i-3, err)
		}
		body, err := list1(comp, 2)
		if err != nil {
			return nil, fmt.Errorf("component %s: %w", cu, err)
		}
		holder := typeListHolder(body)
		if holder == nil {
			continue // a component without type lists
		}
		n, _ := holder.Int(2)
		for _, tl := range holder.List[3 : 3+n] {
			if err := addTypeList(cfg.lists, tl); err != nil {
				return nil, fmt.Errorf("component %s: %w", cu, err)
			}
		}
		if cu == componentCommon {
			foundCommon = true
			props, err := list1(body, 2)
			if err != nil {
				return nil, fmt.Errorf("configuration properties: %w", err)
			}
			name, err := str1(props, 2, 2, 3)
			if err != nil {
				return nil, fmt.Errorf("configuration name: %w", err)
			}
			cfg.name = strings.Clone(name)
			if s, err := at1(props, 2, 2, 4); err == nil {
				cfg.synonym = strings.Clone(synonym(s))
			}
			raw, err := int1(props, 27)
			if err != nil {
				return nil, fmt.Errorf("compatibility mode: %w", err)
			}
			cfg.compat = mapCompatibility(raw)
		}
	}
	if !foundCommon {
		return nil, fmt.Errorf("%w: no Common component %s", errDescriptor, componentCommon)
	}
	return cfg, nil
}

// mapCompatibility maps the raw codes 0/1/2 (§3.1).
func mapCompatibility(raw int) int {
	switch raw {
	case 0:
		return 80216
	case 1:
		return 80100
	case 2:
		return 80213
	}
	return raw
}

// typeListHolder returns body or body[2] (1-based), whichever has the shape
// {x, y, count, {typeUUID, n, uuids...} × count}.
func typeListHolder(body *brace.Node) *brace.Node {
	cands := []*brace.Node{body}
	if len(body.List) >= 2 && body.List[1].IsList {
		cands = append(cands, body.List[1])
	}
	for _, c := range cands {
		if len(c.List) < 3 || c.List[2].IsList {
			continue
		}
		n, err := c.Int(2)
		if err != nil || n < 0 || 3+n > len(c.List) {
			continue
		}
		ok := true
		for _, tl := range c.List[3 : 3+n] {
			if !tl.IsList || len(tl.List) < 2 || tl.List[0].IsList {
				ok = false
				break
			}
			if _, err := uuid1c.Parse(tl.List[0].Text); err != nil {
				ok = false
				break
			}
		}
		if ok {
			return c
		}
	}
	return nil
}

func addTypeList(lists map[uuid1c.UUID][]uuid1c.UUID, tl *brace.Node) error {
	tu, err := uuid1c.Parse(tl.List[0].Text)
	if err != nil {
		return err
	}
	n, err := tl.Int(1)
	if err != nil {
		return fmt.Errorf("type list %s: %w", tu, err)
	}
	if n < 0 || 2+n != len(tl.List) {
		return fmt.Errorf("%w: type list %s declares %d objects, has %d", errDescriptor, tu, n, len(tl.List)-2)
	}
	for _, it := range tl.List[2:] {
		u, err := uuid1c.Parse(it.Text)
		if err != nil {
			return fmt.Errorf("type list %s: %w", tu, err)
		}
		lists[tu] = append(lists[tu], u)
	}
	return nil
}
