package metadata

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// Collection type UUIDs inside object descriptors (§5.2, §5.3).
var (
	collCatalogTS      = uuid1c.MustParse("932159f9-95b2-4e76-a8dd-8849fe5c5ded")
	collCatalogAttrs   = uuid1c.MustParse("cf4abea7-37b2-11d4-940f-008048da11f9")
	collDocumentTS     = uuid1c.MustParse("21c53e09-8950-4b5e-a6a0-1054f1bbc274")
	collDocumentAttrs  = uuid1c.MustParse("45e46cbc-3e24-4165-8b7b-cc98a6f80211")
	collInfoRgRes      = uuid1c.MustParse("13134202-f60b-11d5-a3c7-0050bae0a776")
	collInfoRgDims     = uuid1c.MustParse("13134203-f60b-11d5-a3c7-0050bae0a776")
	collInfoRgAttrs    = uuid1c.MustParse("a2207540-1400-11d6-a3c7-0050bae0a776")
	collAccumRgRes     = uuid1c.MustParse("b64d9a41-1642-11d6-a3c7-0050bae0a776")
	collAccumRgAttrs   = uuid1c.MustParse("b64d9a42-1642-11d6-a3c7-0050bae0a776")
	collAccumRgDims    = uuid1c.MustParse("b64d9a43-1642-11d6-a3c7-0050bae0a776")
	collEnumValues     = uuid1c.MustParse("bee0a08c-07eb-40c0-8544-5c364c171465")
	collExchangeAttrs  = uuid1c.MustParse("1a1b4fea-e093-470d-94ff-1d2f16cda2ab")
	collExchangeTS     = uuid1c.MustParse("52293f4b-f98c-43ea-a80f-41047ae7ab58")
	collChrcAttrs      = uuid1c.MustParse("31182525-9346-4595-81f8-6f91a72ebe06")
	collChrcTS         = uuid1c.MustParse("54e36536-7863-42fd-bea3-c5edd3122fdc")
	collTabularSection = uuid1c.MustParse("888744e1-b616-11d4-9436-004095e12fc7")
)

// rawObject is an object read from its descriptor, before type resolution
// and physical layout.
type rawObject struct {
	obj       *Object
	attrs     []rawProp
	dims      []rawProp
	res       []rawProp
	ts        []rawTS
	valueType *patResult // constants and charts: the parsed value-type pattern
}

type rawProp struct {
	p       *Property
	pattern patResult
}

// patResult is a type pattern parsed while its descriptor is read, so the
// descriptor's brace tree (and its text) can be dropped before the types
// are resolved: holding 3,000 trees at once would multiply the peak memory
// of a load. A parse error is reported when the type is resolved.
type patResult struct {
	p   pattern
	err error
}

func parsedPattern(n *brace.Node) patResult {
	p, err := parsePattern(n)
	return patResult{p, err}
}

type rawTS struct {
	ts    *TabularSection
	attrs []rawProp
	// lineNoLen is the descriptor's line-number length, 0 when absent.
	lineNoLen int
}

// rawDefinedType is a defined type: its reference UUID and pattern.
type rawDefinedType struct {
	uuid, refType uuid1c.UUID
	name          string
	pattern       *brace.Node
}

// errDescriptor marks a descriptor that does not have the expected shape.
var errDescriptor = errors.New("unexpected descriptor shape")

// header reads the identity block {n,{a,b,uuid},"Name",{synonym},...} at
// path and checks it names the expected object.
func header(d *brace.Node, want uuid1c.UUID, path ...int) (name, syn string, err error) {
	blk, err := list1(d, path...)
	if err != nil {
		return "", "", fmt.Errorf("%w: name block: %w", errDescriptor, err)
	}
	u, err := uuid1(blk, 2, 3)
	if err != nil {
		return "", "", fmt.Errorf("%w: object UUID: %w", errDescriptor, err)
	}
	if u != want {
		return "", "", fmt.Errorf("%w: descriptor names object %s", errDescriptor, u)
	}
	name, err = str1(blk, 3)
	if err != nil || strings.TrimSpace(name) == "" {
		return "", "", fmt.Errorf("%w: empty or missing name", errDescriptor)
	}
	if s, err := at1(blk, 4); err == nil {
		syn = synonym(s)
	}
	return strings.Clone(name), strings.Clone(syn), nil
}

// parseDescriptor reads one object descriptor of a known kind.
func parseDescriptor(kind Kind, u uuid1c.UUID, d *brace.Node) (*rawObject, error) {
	if !d.IsList || len(d.List) < 2 {
		return nil, fmt.Errorf("%w: not a list of at least 2 items", errDescriptor)
	}
	o := &Object{Kind: kind, UUID: u}
	r := &rawObject{obj: o}
	var err error
	switch kind {
	case KindCatalog:
		err = parseCatalog(d, r)
	case KindDocument:
		err = parseDocument(d, r)
	case KindInformationRegister:
		err = parseInfoRg(d, r)
	case KindAccumulationRegister:
		err = parseAccumRg(d, r)
	case KindEnum:
		err = parseEnum(d, r)
	case KindExchangePlan:
		err = parseExchangePlan(d, r)
	case KindConstant:
		err = parseConstant(d, r)
	case KindChartOfCharacteristicTypes:
		err = parseChrc(d, r)
	default:
		err = fmt.Errorf("unsupported kind %v", kind)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

func parseCatalog(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 10, 2); err != nil {
		return err
	}
	if o.RefTypeUUID, err = uuid1(d, 2, 4); err != nil {
		return fmt.Errorf("reference type UUID: %w", err)
	}
	if n, err := list1(d, 2, 13); err == nil {
		if o.Owners, err = refList(n); err != nil {
			return fmt.Errorf("owners: %w", err)
		}
	}
	if o.CodeLength, err = int1(d, 2, 18); err != nil {
		return fmt.Errorf("code length: %w", err)
	}
	codeType, err := int1(d, 2, 19)
	if err != nil {
		return fmt.Errorf("code type: %w", err)
	}
	o.CodeIsNumber = codeType == 0
	if o.DescriptionLength, err = int1(d, 2, 20); err != nil {
		return fmt.Errorf("description length: %w", err)
	}
	hierType := intOr(d, 0, 2, 37)
	o.Hierarchical = intOr(d, 0, 2, 38) != 0
	o.HierarchyGroups = o.Hierarchical && hierType == 0
	return readMembers(d, r, collCatalogAttrs, collCatalogTS, 4)
}

func parseDocument(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 10, 2); err != nil {
		return err
	}
	if o.RefTypeUUID, err = uuid1(d, 2, 4); err != nil {
		return fmt.Errorf("reference type UUID: %w", err)
	}
	numType, err := int1(d, 2, 12)
	if err != nil {
		return fmt.Errorf("number type: %w", err)
	}
	o.NumberIsNumber = numType == 0
	if o.NumberLength, err = int1(d, 2, 13); err != nil {
		return fmt.Errorf("number length: %w", err)
	}
	o.NumberPeriodicity = intOr(d, 0, 2, 14)
	if n, err := list1(d, 2, 25); err == nil {
		if o.RegisterRecords, err = refList(n); err != nil {
			return fmt.Errorf("register records: %w", err)
		}
	}
	return readMembers(d, r, collDocumentAttrs, collDocumentTS, 3)
}

func parseInfoRg(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 16, 2); err != nil {
		return err
	}
	per, err := int1(d, 2, 19)
	if err != nil {
		return fmt.Errorf("periodicity: %w", err)
	}
	if per < 0 || per > int(PeriodRecorderPosition) {
		return fmt.Errorf("%w: periodicity %d", errDescriptor, per)
	}
	o.Periodicity = Periodicity(per)
	rec, err := int1(d, 2, 20)
	if err != nil {
		return fmt.Errorf("recorder mode: %w", err)
	}
	o.UseRecorder = rec != 0
	o.UsePeriodForChangeTracking = intOr(d, 0, 2, 24) == 1
	if r.dims, err = readProps(d, collInfoRgDims, RoleDimension); err != nil {
		return err
	}
	if r.res, err = readProps(d, collInfoRgRes, RoleResource); err != nil {
		return err
	}
	r.attrs, err = readProps(d, collInfoRgAttrs, RoleAttribute)
	return err
}

func parseAccumRg(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 14, 2); err != nil {
		return err
	}
	k, err := int1(d, 2, 16)
	if err != nil {
		return fmt.Errorf("register kind: %w", err)
	}
	if k != 0 && k != 1 {
		return fmt.Errorf("%w: accumulation register kind %d", errDescriptor, k)
	}
	o.RegisterKind = RegisterKind(k)
	o.UseRecorder = true
	if r.dims, err = readProps(d, collAccumRgDims, RoleDimension); err != nil {
		return err
	}
	if r.res, err = readProps(d, collAccumRgRes, RoleResource); err != nil {
		return err
	}
	r.attrs, err = readProps(d, collAccumRgAttrs, RoleAttribute)
	return err
}

func parseEnum(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 6, 2); err != nil {
		return err
	}
	if o.RefTypeUUID, err = uuid1(d, 2, 2); err != nil {
		return fmt.Errorf("reference type UUID: %w", err)
	}
	items, err := collection(d, collEnumValues)
	if err != nil {
		return err
	}
	for i, it := range items {
		u, err := uuid1(it, 1, 2, 2, 3)
		if err != nil {
			return fmt.Errorf("enum value %d: UUID: %w", i+1, err)
		}
		name, err := str1(it, 1, 2, 3)
		if err != nil || name == "" {
			return fmt.Errorf("enum value %d: %w: missing name", i+1, errDescriptor)
		}
		var syn string
		if s, err := at1(it, 1, 2, 4); err == nil {
			syn = synonym(s)
		}
		o.EnumValues = append(o.EnumValues, EnumValue{Name: strings.Clone(name), Synonym: strings.Clone(syn), UUID: u, Order: i})
	}
	return nil
}

func parseExchangePlan(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 13); err != nil {
		return err
	}
	if o.RefTypeUUID, err = uuid1(d, 2, 4); err != nil {
		return fmt.Errorf("reference type UUID: %w", err)
	}
	if o.CodeLength, err = int1(d, 2, 16); err != nil {
		return fmt.Errorf("code length: %w", err)
	}
	if o.DescriptionLength, err = int1(d, 2, 18); err != nil {
		return fmt.Errorf("description length: %w", err)
	}
	return readMembers(d, r, collExchangeAttrs, collExchangeTS, 3)
}

func parseConstant(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 2, 2, 2); err != nil {
		return err
	}
	var vt *brace.Node
	if vt, err = list1(d, 2, 2, 2, 3); err != nil {
		return fmt.Errorf("value type: %w", err)
	}
	pr := parsedPattern(vt)
	r.valueType = &pr
	return nil
}

func parseChrc(d *brace.Node, r *rawObject) error {
	o := r.obj
	var err error
	if o.Name, o.Synonym, err = header(d, o.UUID, 2, 14, 2); err != nil {
		return err
	}
	if o.RefTypeUUID, err = uuid1(d, 2, 4); err != nil {
		return fmt.Errorf("reference type UUID: %w", err)
	}
	if o.CharacteristicUUID, err = uuid1(d, 2, 10); err != nil {
		return fmt.Errorf("characteristic type UUID: %w", err)
	}
	var vt *brace.Node
	if vt, err = list1(d, 2, 19); err != nil {
		return fmt.Errorf("value type: %w", err)
	}
	pr := parsedPattern(vt)
	r.valueType = &pr
	o.Hierarchical = intOr(d, 0, 2, 20) != 0
	o.HierarchyGroups = o.Hierarchical // charts have groups only
	if o.CodeLength, err = int1(d, 2, 22); err != nil {
		return fmt.Errorf("code length: %w", err)
	}
	if o.DescriptionLength, err = int1(d, 2, 24); err != nil {
		return fmt.Errorf("description length: %w", err)
	}
	return readMembers(d, r, collChrcAttrs, collChrcTS, 4)
}

func parseDefinedType(u uuid1c.UUID, d *brace.Node) (*rawDefinedType, error) {
	name, _, err := header(d, u, 2, 4)
	if err != nil {
		return nil, err
	}
	ref, err := uuid1(d, 2, 2)
	if err != nil {
		return nil, fmt.Errorf("reference type UUID: %w", err)
	}
	p, err := list1(d, 2, 5)
	if err != nil {
		return nil, fmt.Errorf("pattern: %w", err)
	}
	return &rawDefinedType{uuid: u, refType: ref, name: name, pattern: p}, nil
}

// readMembers reads attributes and tabular sections; lineNoPos is the
// position of the line-number length inside a section's tp[1] (§5.3).
func readMembers(d *brace.Node, r *rawObject, attrColl, tsColl uuid1c.UUID, lineNoPos int) error {
	var err error
	if r.attrs, err = readProps(d, attrColl, RoleAttribute); err != nil {
		return err
	}
	items, err := collection(d, tsColl)
	if err != nil {
		return err
	}
	for i, it := range items {
		u, err := uuid1(it, 1, 2, 6, 2, 2, 3)
		if err != nil {
			return fmt.Errorf("tabular section %d: UUID: %w", i+1, err)
		}
		name, err := str1(it, 1, 2, 6, 2, 3)
		if err != nil || name == "" {
			return fmt.Errorf("tabular section %d: %w: missing name", i+1, errDescriptor)
		}
		var syn string
		if s, err := at1(it, 1, 2, 6, 2, 4); err == nil {
			syn = synonym(s)
		}
		ts := rawTS{ts: &TabularSection{Name: strings.Clone(name), Synonym: strings.Clone(syn), UUID: u},
			lineNoLen: intOr(it, 0, 1, lineNoPos)}
		if ts.attrs, err = readPropsIn(it, collTabularSection, RoleAttribute); err != nil {
			return fmt.Errorf("tabular section %s: %w", name, err)
		}
		r.ts = append(r.ts, ts)
	}
	return nil
}

func readProps(d *brace.Node, coll uuid1c.UUID, role PropertyRole) ([]rawProp, error) {
	items, err := collection(d, coll)
	if err != nil {
		return nil, err
	}
	return propsFrom(items, role)
}

// readPropsIn finds a collection among the items of n itself (a tabular
// section item: {header, n, {collection}}), from position 3 (1-based).
func readPropsIn(n *brace.Node, coll uuid1c.UUID, role PropertyRole) ([]rawProp, error) {
	want := coll.String()
	for i := 2; i < len(n.List); i++ {
		c := n.List[i]
		if c.IsList && len(c.List) >= 2 && !c.List[0].IsList && c.List[0].Text == want {
			count, err := c.Int(1)
			if err != nil || count != len(c.List)-2 {
				return nil, fmt.Errorf("%w: attribute collection count", errDescriptor)
			}
			return propsFrom(c.List[2:], role)
		}
	}
	return nil, nil
}

func propsFrom(items []*brace.Node, role PropertyRole) ([]rawProp, error) {
	out := make([]rawProp, 0, len(items))
	for i, it := range items {
		u, err := uuid1(it, 1, 2, 2, 2, 2, 3)
		if err != nil {
			return nil, fmt.Errorf("property %d: UUID: %w", i+1, err)
		}
		name, err := str1(it, 1, 2, 2, 2, 3)
		if err != nil || name == "" {
			return nil, fmt.Errorf("property %d: %w: missing name", i+1, errDescriptor)
		}
		var syn string
		if s, err := at1(it, 1, 2, 2, 2, 4); err == nil {
			syn = synonym(s)
		}
		pat, err := list1(it, 1, 2, 2, 3)
		if err != nil {
			return nil, fmt.Errorf("property %s: type pattern: %w", name, err)
		}
		p := &Property{Name: strings.Clone(name), Synonym: strings.Clone(syn), UUID: u, Role: role}
		if role == RoleDimension {
			p.UseInChangeTracking = intOr(it, 0, 1, 6) == 1
		}
		out = append(out, rawProp{p: p, pattern: parsedPattern(pat)})
	}
	return out, nil
}
