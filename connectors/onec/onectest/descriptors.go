package onectest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

// The descriptor templates below copy the shape of real descriptors (the
// 8.3 test configuration of zhichkin/dajet-metadata, MIT licence; see
// /work/shared/testdata/1c/README.md), item by item, so every position a
// reader uses (1c-layout.md §3 and §5) holds what the platform writes there.
// Large blocks that no reader uses (standard-attribute settings, forms)
// are replaced by the short forms other real descriptors carry.
// Placeholders are bare tokens starting with '$'; Z is the nil UUID.

const tmplCatalog = `{1,
{56,$T0,$T1,$REF,$T3,$T4,$T5,$T6,$T7,
{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},2,1,
$OWNERS,1,1,1,0,$CODELEN,$CODETYPE,$DESCLEN,1,Z,Z,Z,Z,Z,Z,Z,Z,Z,Z,1,
{0,0},0,$T8,$T9,$HIERTYPE,$HIER,0,0,2,0,
{1,{0,2,{"#",60ea359f-3a6e-48bb-8e71-d2a457572918,{-3}},{"#",60ea359f-3a6e-48bb-8e71-d2a457572918,{-2}}}},1,1,
{0},{0},{0},{0},{0},{0},1,{0,{0}},2,{1,{0,0}},0,{1,2,0},0,0,0,0},5,
{3daea016-69b7-4ed4-9453-127911372fe6,0},
{4fe87c89-9ad4-43f6-9fdb-9dc83b3879c6,0},
$SECTIONS,
$ATTRS,
{fdf816d2-1ead-11d5-b975-0050bae0a95d,0}
}`

const tmplDocument = `{1,
{40,$T0,$T1,$REF,$T3,$T4,$T5,$T6,$T7,
{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},Z,$NUMTYPE,$NUMLEN,$NUMPERIOD,0,0,Z,Z,Z,0,2,0,
{0,0},1,
$REGISTERS,0,$T8,$T9,0,
{1,{0,0}},1,1,
{0},1,1,Z,Z,Z,
{0},{0},{0},{0},{0},0,1,{0,{0}},2,{1,{0,0}},{1,2,0},0,0,0,0},5,
$SECTIONS,
{3daea016-69b7-4ed4-9453-127911372fe6,0},
$ATTRS,
{b544fc6a-2ba3-4885-8fb2-cb289fb6d65e,0},
{fb880e93-47d7-4127-9357-a20e69c17545,0}
}`

const tmplInfoRg = `{1,
{33,$T0,$T1,$T2,$T3,$T4,$T5,$T6,$T7,$T8,$T9,$T10,$T11,$T12,$T13,
{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},Z,Z,$PERIODICITY,$USERECORDER,1,1,0,1,1,0,
{0},Z,Z,{0},{0},{0},{0},{0},0,0,0,0,0},6,
$RESOURCES,
$DIMENSIONS,
{13134204-f60b-11d5-a3c7-0050bae0a776,0},
{3daea016-69b7-4ed4-9453-127911372fe6,0},
$ATTRS,
{b44ba719-945c-445c-8aab-1088fa4df16e,0}
}`

const tmplAccumRg = `{1,
{28,$T0,$T1,$T2,$T3,$T4,$T5,$T6,$T7,$T8,$T9,$T10,$T11,
{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},Z,$ACCKIND,1,0,1,0,1,
{0},Z,{0},{0},{0}},6,
{3daea016-69b7-4ed4-9453-127911372fe6,0},
{99f328af-a77f-4572-a2d8-80ed20c81890,0},
$RESOURCES,
$ATTRS,
$DIMENSIONS,
{b64d9a44-1642-11d6-a3c7-0050bae0a776,0}
}`

const tmplEnum = `{1,
{20,$REF,$T1,$T2,$T3,
{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},0,$T4,$T5,Z,Z,2,1,Z,Z,{0},{0},{0},{0},{0,{0}},0},4,
{33f2e54b-37ce-4a7a-a569-b648d7aa4634,0},
{3daea016-69b7-4ed4-9453-127911372fe6,0},
{6d8d73a7-ba29-401d-9032-3872ec2d6433,0},
$VALUES
}`

const tmplEnumValue = `{{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},0}`

const tmplConstant = `{1,
{16,
{27,{2,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z},$PATTERN},0,{0},{0},0,"",0,{"U"},{"U"},0,Z,2,0,{5004,0},{3,0,0},{0,0},0,{0},{"U"},0,0,0},
$T0,$T1,$T2,$T3,1,1,{0},{0},Z,0,0,$T4,$T5,0,0},0}`

const tmplExchangePlan = `{1,
{35,$T0,$T1,$REF,$T3,$T4,$T5,$T6,$T7,$T8,$T9,$T10,
{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z},1,Z,$CODELEN,0,$DESCLEN,0,Z,Z,1,2,0,
{0,0},1,1,
{1,{0,2,{"#",60ea359f-3a6e-48bb-8e71-d2a457572918,{-3}},{"#",60ea359f-3a6e-48bb-8e71-d2a457572918,{-2}}}},1,1,
{0},Z,Z,Z,{0},{0},{0},{0},{0},1,{0,{0}},1,{1,{0,0}},{1,2,0},0,0,0,0,0},5,
$ATTRS,
{3daea016-69b7-4ed4-9453-127911372fe6,0},
$SECTIONS,
{87c509ab-3d38-4d67-b379-aca796298578,0},
{d5207c64-11d5-4d46-bba2-55b7b07ff4eb,0}
}`

// tmplProperty is an attribute, dimension or resource item; $HEAD is the
// item-format number and $TAIL the trailing flags of its collection.
const tmplProperty = `{{$HEAD,
{27,{2,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z},$PATTERN},0,{0},{0},0,"",0,{"U"},{"U"},0,Z,2,0,{5004,0},{3,0,0},{0,0},0,{0},{"U"},0,0,0},$TAIL},0}`

// $LINENO is the line-number length: tp[1][3] for documents and exchange
// plans, tp[1][4] for catalogs (after a 0), read from compatibility 8.3.27.
const tmplSection = `{{1,{11,$T0,$T1,$T2,$T3,{0,{2,{1,0,$UUID},$NAME,$SYN,"",0,0,Z}},0,{0},{0}},$LINENO},1,$ATTRS}`

// Collection type UUIDs (1c-layout.md §5.2, §5.3).
const (
	collCatalogAttrs    = "cf4abea7-37b2-11d4-940f-008048da11f9"
	collCatalogSections = "932159f9-95b2-4e76-a8dd-8849fe5c5ded"
	collDocAttrs        = "45e46cbc-3e24-4165-8b7b-cc98a6f80211"
	collDocSections     = "21c53e09-8950-4b5e-a6a0-1054f1bbc274"
	collSectionAttrs    = "888744e1-b616-11d4-9436-004095e12fc7"
	collInfoResources   = "13134202-f60b-11d5-a3c7-0050bae0a776"
	collInfoDimensions  = "13134203-f60b-11d5-a3c7-0050bae0a776"
	collInfoAttrs       = "a2207540-1400-11d6-a3c7-0050bae0a776"
	collAccumResources  = "b64d9a41-1642-11d6-a3c7-0050bae0a776"
	collAccumAttrs      = "b64d9a42-1642-11d6-a3c7-0050bae0a776"
	collAccumDimensions = "b64d9a43-1642-11d6-a3c7-0050bae0a776"
	collEnumValues      = "bee0a08c-07eb-40c0-8544-5c364c171465"
	collPlanAttrs       = "1a1b4fea-e093-470d-94ff-1d2f16cda2ab"
	collPlanSections    = "52293f4b-f98c-43ea-a80f-41047ae7ab58"
	refListUUID         = "157fa490-4ce9-11d4-9415-008048da11f9"
)

// fill parses a template and replaces its $-placeholders and Z tokens.
func fill(tmpl string, vars map[string]*brace.Node) (*brace.Node, error) {
	root, err := brace.Parse([]byte(tmpl))
	if err != nil {
		return nil, fmt.Errorf("parse descriptor template: %w", err)
	}
	var walk func(n *brace.Node) error
	walk = func(n *brace.Node) error {
		for i, it := range n.List {
			switch {
			case it == nil:
			case it.IsList:
				if err := walk(it); err != nil {
					return err
				}
			case !it.Quoted && it.Text == "Z":
				n.List[i] = brace.B(zeroUUID)
			case !it.Quoted && strings.HasPrefix(it.Text, "$"):
				v, ok := vars[it.Text[1:]]
				if !ok {
					return fmt.Errorf("descriptor template: no value for %s", it.Text)
				}
				n.List[i] = v
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	return root, nil
}

// synonym is the multi-language string {1,"ru",text}, or {0} when empty.
func synonym(s string) *brace.Node {
	if s == "" {
		return brace.L(brace.N(0))
	}
	return brace.L(brace.N(1), brace.S("ru"), brace.S(s))
}

// collection is {typeUUID, count, items...}.
func collection(typeUUID string, items []*brace.Node) *brace.Node {
	return brace.L(append([]*brace.Node{brace.B(typeUUID), brace.N(len(items))}, items...)...)
}

// refList is {0,count,{"#",157fa490-…,{1,objectUUID}},…}, the way a
// descriptor lists owners and posted-to registers.
func refList(uuids []string) *brace.Node {
	items := []*brace.Node{brace.N(0), brace.N(len(uuids))}
	for _, u := range uuids {
		items = append(items, brace.L(brace.S("#"), brace.B(refListUUID), brace.L(brace.N(1), brace.B(u))))
	}
	return brace.L(items...)
}

func boolNum(b bool) *brace.Node {
	if b {
		return brace.N(1)
	}
	return brace.N(0)
}

// pattern encodes a type description as {"Pattern", ...} (§5.4).
func (l *Layout) pattern(t Type) (*brace.Node, error) {
	items := []*brace.Node{brace.S("Pattern")}
	if t.Boolean {
		items = append(items, brace.L(brace.S("B")))
	}
	if t.String {
		if t.Length == 0 {
			items = append(items, brace.L(brace.S("S")))
		} else {
			items = append(items, brace.L(brace.S("S"), brace.N(t.Length), boolNum(!t.Fixed)))
		}
	}
	switch t.Dates {
	case DateOnly:
		items = append(items, brace.L(brace.S("D"), brace.S("D")))
	case TimeOnly:
		items = append(items, brace.L(brace.S("D"), brace.S("T")))
	case DateAndTime:
		items = append(items, brace.L(brace.S("D")))
	}
	if t.Number {
		items = append(items, brace.L(brace.S("N"), brace.N(t.Precision), brace.N(t.Scale), boolNum(t.NonNegative)))
	}
	if t.ValueStorage {
		items = append(items, brace.L(brace.S("#"), brace.B("e199ca70-93cf-46ce-a54b-6edc88c3a296")))
	}
	if t.UUID {
		items = append(items, brace.L(brace.S("#"), brace.B("fc01b5df-97fe-449b-83d4-218a090e681e")))
	}
	for _, r := range t.Refs {
		target, err := l.Object(r)
		if err != nil {
			return nil, err
		}
		items = append(items, brace.L(brace.S("#"), brace.B(target.RefTypeUUID)))
	}
	return brace.L(items...), nil
}

// property builds one attribute/dimension/resource item.
func (l *Layout) property(f *FieldLayout, head int, tail ...int) (*brace.Node, error) {
	p, err := l.pattern(f.Attribute.Type)
	if err != nil {
		return nil, fmt.Errorf("attribute %s: %w", f.Attribute.Name, err)
	}
	tailNodes := make([]*brace.Node, len(tail))
	for i, v := range tail {
		tailNodes[i] = brace.N(v)
	}
	item, err := fill(tmplProperty, map[string]*brace.Node{
		"HEAD": brace.N(head), "UUID": brace.B(f.UUID), "NAME": brace.S(f.Attribute.Name),
		"SYN": synonym(f.Attribute.Synonym), "PATTERN": p, "TAIL": brace.B("0"),
	})
	if err != nil {
		return nil, err
	}
	// Replace the single $TAIL placeholder by the flags (item[1] = {head, {27…}, tail…}).
	first := item.List[0]
	first.List = append(first.List[:2], tailNodes...)
	return item, nil
}

func (l *Layout) properties(coll string, fields []*FieldLayout, head int, tail ...int) (*brace.Node, error) {
	var items []*brace.Node
	for _, f := range fields {
		it, err := l.property(f, head, tail...)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return collection(coll, items), nil
}

func (ol *ObjectLayout) fieldsByRole(role fieldRole) []*FieldLayout {
	var out []*FieldLayout
	for _, f := range ol.fields() {
		if f.role == role {
			out = append(out, f)
		}
	}
	return out
}

func (l *Layout) sections(coll string, ol *ObjectLayout, tail ...int) (*brace.Node, error) {
	var items []*brace.Node
	for _, ts := range ol.Object.TabularSections {
		sl := ol.Sections[ts.Name]
		attrs, err := l.properties(collSectionAttrs, sl.order, 8, tail...)
		if err != nil {
			return nil, err
		}
		lineNo := brace.N(5)
		if ol.Object.Kind == Catalog {
			lineNo = brace.N(0) // the length follows it; appended below
		}
		vars := map[string]*brace.Node{"UUID": brace.B(sl.UUID), "NAME": brace.S(ts.Name), "SYN": synonym(ts.Synonym), "ATTRS": attrs, "LINENO": lineNo}
		for i := range 4 {
			vars["T"+strconv.Itoa(i)] = brace.B(nameUUID(sl.UUID, "type", strconv.Itoa(i)))
		}
		it, err := fill(tmplSection, vars)
		if err != nil {
			return nil, err
		}
		if ol.Object.Kind == Catalog {
			it.List[0].List = append(it.List[0].List, brace.N(5))
		}
		items = append(items, it)
	}
	return collection(coll, items), nil
}
