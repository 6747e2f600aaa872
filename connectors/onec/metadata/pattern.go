package metadata

import (
	"fmt"
	"strconv"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// Special UUIDs inside {"#", uuid} type elements (§5.4).
var (
	refAny          = uuid1c.MustParse("280f5f0e-9c8a-49cc-bf6d-4d296cc17a63")
	refAnyCatalog   = uuid1c.MustParse("e61ef7b8-f3e1-4f4b-8ac7-676e90524997")
	refAnyDocument  = uuid1c.MustParse("38bfd075-3e63-4aaa-a93e-94521380d579")
	refAnyEnum      = uuid1c.MustParse("474c3bf6-08b5-4ddc-a2ad-989cedf11583")
	refAnyExchange  = uuid1c.MustParse("0a52f9de-73ea-4507-81e8-66217bead73a")
	refAnyChrc      = uuid1c.MustParse("99892482-ed55-4fb5-a7f7-20888820a758")
	typeValueStore  = uuid1c.MustParse("e199ca70-93cf-46ce-a54b-6edc88c3a296")
	typeUniqueID    = uuid1c.MustParse("fc01b5df-97fe-449b-83d4-218a090e681e")
	genericRefKinds = map[uuid1c.UUID][]Kind{
		refAny:         {KindCatalog, KindDocument, KindEnum, KindExchangePlan, KindChartOfCharacteristicTypes},
		refAnyCatalog:  {KindCatalog},
		refAnyDocument: {KindDocument},
		refAnyEnum:     {KindEnum},
		refAnyExchange: {KindExchangePlan},
		refAnyChrc:     {KindChartOfCharacteristicTypes},
	}
)

// maxPatternItems bounds the elements of one type pattern.
const maxPatternItems = 10_000

// pattern is a parsed {"Pattern", ...} list before reference resolution.
type pattern struct {
	def  TypeDef       // primitive parts
	refs []uuid1c.UUID // {"#", uuid} elements other than UUID/ValueStorage
}

// parsePattern reads a type pattern (§5.4). An element it does not know is
// an error, so an unexpected format is reported rather than misread.
func parsePattern(n *brace.Node) (pattern, error) {
	var p pattern
	if n == nil || !n.IsList || len(n.List) == 0 || n.List[0].Text != "Pattern" {
		return p, fmt.Errorf("%w: not a {\"Pattern\",...} list", errDescriptor)
	}
	if len(n.List) > maxPatternItems {
		return p, fmt.Errorf("%w: pattern with %d elements", errDescriptor, len(n.List))
	}
	for i, e := range n.List[1:] {
		if !e.IsList || len(e.List) == 0 || e.List[0].IsList {
			return p, fmt.Errorf("%w: pattern element %d is not {\"X\",...}", errDescriptor, i+1)
		}
		args := e.List[1:]
		num := func(k int) (int, error) {
			if k >= len(args) || args[k].IsList {
				return 0, fmt.Errorf("%w: pattern element %d: missing argument %d", errDescriptor, i+1, k+1)
			}
			v, err := strconv.Atoi(args[k].Text)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("%w: pattern element %d: bad number %q", errDescriptor, i+1, clip(args[k].Text))
			}
			return v, nil
		}
		switch e.List[0].Text {
		case "B":
			p.def.Boolean = true
		case "N":
			prec, err := num(0)
			if err != nil {
				return p, err
			}
			scale, err := num(1)
			if err != nil {
				return p, err
			}
			if prec > 38 || scale > prec {
				return p, fmt.Errorf("%w: Number(%d,%d)", errDescriptor, prec, scale)
			}
			p.def.Number, p.def.Precision, p.def.Scale = true, prec, scale
			if len(args) > 2 {
				u, err := num(2)
				if err != nil {
					return p, err
				}
				p.def.NonNegative = u == 1
			}
		case "D":
			p.def.Date = true
			p.def.DateParts = DateAndTime
			if len(args) > 0 && !args[0].IsList {
				switch args[0].Text {
				case "D":
					p.def.DateParts = DateOnly
				case "T":
					p.def.DateParts = TimeOnly
				}
			}
		case "S":
			p.def.String = true
			if len(args) > 0 && !args[0].IsList && args[0].Text != "" {
				l, err := num(0)
				if err != nil {
					return p, err
				}
				p.def.Length = l
				if len(args) > 1 {
					k, err := num(1)
					if err != nil {
						return p, err
					}
					p.def.Fixed = k == 0 && l > 0
				}
			}
		case "#":
			if len(args) == 0 || args[0].IsList {
				return p, fmt.Errorf("%w: pattern element %d: {\"#\"} without a UUID", errDescriptor, i+1)
			}
			u, err := uuid1c.Parse(args[0].Text)
			if err != nil {
				return p, fmt.Errorf("pattern element %d: %w", i+1, err)
			}
			switch u {
			case typeValueStore:
				p.def.ValueStorage = true
			case typeUniqueID:
				p.def.UUID = true
			default:
				p.refs = append(p.refs, u)
			}
		case "U":
			// "not set": contributes nothing
		default:
			return p, fmt.Errorf("%w: pattern element %d: unknown type letter %q", errDescriptor, i+1, clip(e.List[0].Text))
		}
	}
	return p, nil
}

// typeRegistry resolves reference type UUIDs found in patterns.
type typeRegistry struct {
	byRefType   map[uuid1c.UUID]*Object  // СправочникСсылка.X ... -> object
	byKind      map[Kind][]*Object       // for generic references
	charts      map[uuid1c.UUID]*TypeDef // Характеристика.X -> value type
	definedType map[uuid1c.UUID]*TypeDef // ОпределяемыйТип.X -> type
}

// resolve turns a pattern into a TypeDef (§5.5 "resolve first"): a defined
// type or characteristic as the first reference replaces the whole type;
// generic references expand to the configuration's objects of that kind.
func (r *typeRegistry) resolve(p pattern) TypeDef {
	t := p.def
	if len(p.refs) > 0 {
		if dt, ok := r.definedType[p.refs[0]]; ok {
			return cloneType(dt)
		}
		if ct, ok := r.charts[p.refs[0]]; ok {
			return cloneType(ct)
		}
	}
	seen := make(map[uuid1c.UUID]bool)
	add := func(o *Object) {
		if !seen[o.UUID] {
			seen[o.UUID] = true
			t.Refs = append(t.Refs, o.UUID)
		}
	}
	for _, ref := range p.refs {
		if o, ok := r.byRefType[ref]; ok {
			add(o)
			continue
		}
		if ks, ok := genericRefKinds[ref]; ok {
			for _, k := range ks {
				for _, o := range r.byKind[k] {
					add(o)
				}
			}
			continue
		}
		if !seenUnknown(t.UnknownRefs, ref) {
			t.UnknownRefs = append(t.UnknownRefs, ref)
		}
	}
	if t.IsEmpty() && len(p.refs) > 0 {
		// DaJet's rule: generic references with nothing to point at, and no
		// primitive type, are still stored as a composite reference.
		t.UnknownRefs = append(t.UnknownRefs, p.refs[0], p.refs[0])
	}
	return t
}

func seenUnknown(list []uuid1c.UUID, u uuid1c.UUID) bool {
	for _, x := range list {
		if x == u {
			return true
		}
	}
	return false
}

func cloneType(t *TypeDef) TypeDef {
	c := *t
	c.Refs = append([]uuid1c.UUID(nil), t.Refs...)
	c.UnknownRefs = append([]uuid1c.UUID(nil), t.UnknownRefs...)
	return c
}
