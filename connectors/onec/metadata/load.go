package metadata

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// LoadOptions tunes Load. The zero value is ready to use.
type LoadOptions struct {
	// Logger receives warnings (skipped objects); nil means slog.Default().
	Logger *slog.Logger
	// BatchSize is the number of file rows requested at once (default 500).
	BatchSize int
}

// Load reads the metadata of an infobase from src into an immutable
// snapshot. Failures of single objects are collected in Problems and the
// rest still loads; a failure of the root, the main configuration file or
// DBNames fails the whole load.
func Load(ctx context.Context, src Source, opts LoadOptions) (*Infobase, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = 500
	}
	fp, err := src.Fingerprint(ctx)
	if err != nil {
		return nil, fmt.Errorf("metadata: fingerprint: %w", err)
	}
	ib := &Infobase{DBMS: src.DBMS(), Fingerprint: fp, LoadedAt: time.Now(), YearOffset: 0}
	if ib.DBMS != DBMSNone {
		if ib.YearOffset, err = src.YearOffset(ctx); err != nil {
			return nil, fmt.Errorf("metadata: year offset: %w", err)
		}
	}

	root, err := readTree(ctx, src, TableConfig, "root")
	if err != nil {
		return nil, err
	}
	mainName, err := str1(root, 2)
	if err != nil {
		return nil, fmt.Errorf("metadata: root: main configuration UUID: %w", err)
	}
	if _, err := uuid1c.Parse(mainName); err != nil {
		return nil, fmt.Errorf("metadata: root: %w", err)
	}
	main, err := readTree(ctx, src, TableConfig, mainName)
	if err != nil {
		return nil, err
	}
	cfg, err := parseMainConfig(main)
	if err != nil {
		return nil, fmt.Errorf("metadata: main configuration %s: %w", mainName, err)
	}
	ib.Name, ib.Synonym, ib.CompatibilityVersion = cfg.name, cfg.synonym, cfg.compat

	var dbn *DBNames
	if ib.DBMS != DBMSNone {
		t, err := readTree(ctx, src, TableParams, "DBNames")
		if err != nil {
			return nil, err
		}
		if dbn, err = dbNamesFromTree(t); err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
	}

	// Read every descriptor of the modelled kinds and the defined types.
	type want struct {
		kind Kind
		uuid uuid1c.UUID
	}
	var wants []want
	for _, k := range Kinds() {
		for _, u := range cfg.lists[kinds[k].typeUUID] {
			wants = append(wants, want{k, u})
		}
	}
	names := make([]string, 0, len(wants)+len(cfg.lists[definedTypeList]))
	for _, w := range wants {
		names = append(names, w.uuid.String())
	}
	for _, u := range cfg.lists[definedTypeList] {
		names = append(names, u.String())
	}
	for _, u := range cfg.lists[kinds[KindExchangePlan].typeUUID] {
		names = append(names, u.String()+".1")
	}
	bodies := make(map[string][]byte, len(names))
	for i := 0; i < len(names); i += batch {
		part, err := src.ReadFiles(ctx, TableConfig, names[i:min(i+batch, len(names))])
		if err != nil {
			return nil, fmt.Errorf("metadata: read descriptors: %w", err)
		}
		for k, v := range part {
			bodies[k] = v
		}
	}
	problem := func(k Kind, u uuid1c.UUID, name string, err error) {
		ib.Problems = append(ib.Problems, ObjectError{UUID: u, Kind: k, Name: name, Err: err})
		log.Warn("metadata object skipped", "kind", k.String(), "uuid", u.String(), "name", name, "err", err)
	}
	var in inflater // brace.Parse copies the text: the buffer is reused
	tree := func(name string) (*brace.Node, error) {
		b, ok := bodies[name]
		if !ok {
			return nil, fmt.Errorf("%w: Config %q", ErrNoFile, name)
		}
		text, err := in.inflate(b)
		if err != nil {
			return nil, err
		}
		return brace.Parse(text)
	}

	reg := &typeRegistry{
		byRefType:   map[uuid1c.UUID]*Object{},
		byKind:      map[Kind][]*Object{},
		charts:      map[uuid1c.UUID]*TypeDef{},
		definedType: map[uuid1c.UUID]*TypeDef{},
	}
	var raws []*rawObject
	for _, w := range wants {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := tree(w.uuid.String())
		delete(bodies, w.uuid.String()) // the tree is dropped after parsing: keep the peak low
		if err != nil {
			problem(w.kind, w.uuid, "", err)
			continue
		}
		r, err := parseDescriptor(w.kind, w.uuid, d)
		if err != nil {
			problem(w.kind, w.uuid, "", err)
			continue
		}
		raws = append(raws, r)
		o := r.obj
		if !o.RefTypeUUID.IsNil() {
			reg.byRefType[o.RefTypeUUID] = o
		}
		reg.byKind[o.Kind] = append(reg.byKind[o.Kind], o)
	}
	// Charts' value types and defined types are resolved first: patterns of
	// other objects may name them (they cannot name each other, §5.5).
	for _, u := range cfg.lists[definedTypeList] {
		d, err := tree(u.String())
		if err != nil {
			problem(KindUnknown, u, "", fmt.Errorf("defined type: %w", err))
			continue
		}
		dt, err := parseDefinedType(u, d)
		if err != nil {
			problem(KindUnknown, u, "", fmt.Errorf("defined type: %w", err))
			continue
		}
		p, err := parsePattern(dt.pattern)
		if err != nil {
			problem(KindUnknown, u, dt.name, fmt.Errorf("defined type: %w", err))
			continue
		}
		t := reg.resolve(p)
		reg.definedType[dt.refType] = &t
	}
	for _, r := range raws {
		if r.obj.Kind != KindChartOfCharacteristicTypes {
			continue
		}
		p, err := r.valueType.p, r.valueType.err
		if err != nil {
			continue // reported below with the object
		}
		t := reg.resolve(p)
		reg.charts[r.obj.CharacteristicUUID] = &t
	}

	lay := &layout{dbn: dbn, dbms: ib.DBMS, compat: ib.CompatibilityVersion}
	objs := make([]*Object, 0, len(raws))
	recorders := map[uuid1c.UUID][]uuid1c.UUID{}
	for _, r := range raws {
		for _, reg := range r.obj.RegisterRecords {
			recorders[reg] = append(recorders[reg], r.obj.UUID)
		}
	}
	for _, r := range raws {
		o := r.obj
		if o.Kind == KindExchangePlan {
			if b, ok := bodies[o.UUID.String()+".1"]; ok {
				items, err := parseExchangeContent(b)
				if err != nil {
					problem(o.Kind, o.UUID, o.Name, fmt.Errorf("exchange plan content: %w", err))
					continue
				}
				o.ExchangeContent = items
			}
		}
		o.Recorders = recorders[o.UUID]
		tsLineNo, err := resolveTypes(reg, r)
		if err == nil {
			err = lay.build(o, tsLineNo)
		}
		if err != nil {
			problem(o.Kind, o.UUID, o.Name, err)
			continue
		}
		if dbn == nil {
			stripPhysical(o)
		}
		objs = append(objs, o)
	}
	// The change table's node type: the exchange plans including the object.
	plans := map[uuid1c.UUID][]uuid1c.UUID{}
	for _, o := range objs {
		for _, it := range o.ExchangeContent {
			plans[it.UUID] = append(plans[it.UUID], o.UUID)
		}
	}
	for _, o := range objs {
		if o.ChangeTable != nil {
			o.ChangeTable.Node.Type = refType(plans[o.UUID]...)
		}
	}
	slices.SortStableFunc(objs, func(a, b *Object) int {
		if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	ib.Objects = objs
	ib.index()
	return ib, nil
}

func (ib *Infobase) index() {
	ib.byUUID = make(map[uuid1c.UUID]*Object, len(ib.Objects))
	ib.byName = make(map[string]*Object, len(ib.Objects))
	ib.byTypeCode = make(map[int]*Object)
	for _, o := range ib.Objects {
		o.ib = ib
		ib.byUUID[o.UUID] = o
		ib.byName[nameKey(o.Kind, o.Name)] = o
		if o.TypeCode > 0 && o.Kind.IsReference() {
			ib.byTypeCode[o.TypeCode] = o
		}
	}
}

// resolveTypes resolves every pattern of r into its properties and returns
// the tabular sections' line-number lengths.
func resolveTypes(reg *typeRegistry, r *rawObject) (map[*TabularSection]int, error) {
	o := r.obj
	conv := func(rs []rawProp) ([]*Property, error) {
		out := make([]*Property, 0, len(rs))
		for _, rp := range rs {
			p, err := rp.pattern.p, rp.pattern.err
			if err != nil {
				return nil, fmt.Errorf("property %s: %w", rp.p.Name, err)
			}
			rp.p.Type = reg.resolve(p)
			out = append(out, rp.p)
		}
		return out, nil
	}
	var err error
	if o.Attributes, err = conv(r.attrs); err != nil {
		return nil, err
	}
	if o.Dimensions, err = conv(r.dims); err != nil {
		return nil, err
	}
	if o.Resources, err = conv(r.res); err != nil {
		return nil, err
	}
	lineNo := map[*TabularSection]int{}
	for _, rt := range r.ts {
		if rt.ts.Attributes, err = conv(rt.attrs); err != nil {
			return nil, fmt.Errorf("tabular section %s: %w", rt.ts.Name, err)
		}
		lineNo[rt.ts] = rt.lineNoLen
		o.TabularSections = append(o.TabularSections, rt.ts)
	}
	if r.valueType != nil {
		p, err := r.valueType.p, r.valueType.err
		if err != nil {
			return nil, fmt.Errorf("value type: %w", err)
		}
		t := reg.resolve(p)
		o.ValueType = &t
	}
	return lineNo, nil
}

func readTree(ctx context.Context, src Source, table FileTable, name string) (*brace.Node, error) {
	m, err := src.ReadFiles(ctx, table, []string{name})
	if err != nil {
		return nil, fmt.Errorf("metadata: read %s %q: %w", table, name, err)
	}
	b, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("metadata: %w: %s %q", ErrNoFile, table, name)
	}
	text, err := InflateBody(b)
	if err != nil {
		return nil, fmt.Errorf("metadata: %s %q: %w", table, name, err)
	}
	n, err := brace.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("metadata: %s %q: %w", table, name, err)
	}
	return n, nil
}

// parseExchangeContent reads <plan>.1 = {ver, count, uuid, auto, ...} (§9.4).
func parseExchangeContent(b []byte) ([]ExchangeItem, error) {
	text, err := InflateBody(b)
	if err != nil {
		return nil, err
	}
	n, err := brace.Parse(text)
	if err != nil {
		return nil, err
	}
	count, err := int1(n, 2)
	if err != nil {
		return nil, err
	}
	if count < 0 || 2+2*count > len(n.List) {
		return nil, fmt.Errorf("%w: content declares %d items", errDescriptor, count)
	}
	out := make([]ExchangeItem, 0, count)
	for i := 1; i <= count; i++ {
		u, err := uuid1(n, 2*i+1)
		if err != nil {
			return nil, fmt.Errorf("content item %d: %w", i, err)
		}
		auto, err := int1(n, 2*i+2)
		if err != nil {
			return nil, fmt.Errorf("content item %d: %w", i, err)
		}
		out = append(out, ExchangeItem{UUID: u, AutoRegistration: auto == 1})
	}
	return out, nil
}
