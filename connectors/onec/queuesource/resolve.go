package queuesource

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
	"github.com/onecconnect/onecconnect/schema"
)

// plan is the configuration resolved against one metadata snapshot: which
// columns to read, how rowmap maps them, and where each configured field
// sits in a decoded row. It is immutable.
//
// A row is read in one of two shapes. Without value.field the whole row is
// read (every column of the register's table, in the order of
// ObjectMapper.Columns) and mapped by ObjectMapper.Struct: the record value
// is that struct and a configured field is the struct's field at its
// schema index. With value.field only the fields the records use are read
// and mapped by a FieldMapper: a configured field is its value at its
// index among them.
type plan struct {
	ib       *metadata.Infobase // the snapshot the plan was resolved from
	obj      *metadata.Object
	register string // the register's Russian full name (source partition)
	table    dialect.Table
	om       *rowmap.ObjectMapper
	fields   *rowmap.FieldMapper // nil: the whole row (om.Struct)
	orderCol dialect.Column
	orderRaw int // index of orderCol in a read row
	splitCol dialect.Column
	// splitArgs maps each configured split value to the text the queries
	// compare the split column with: the value itself for a string field,
	// the number with the field's scale for a number (the DBMS renders
	// 5 in Число(10,2) as 5.00).
	splitArgs map[string]string
	// splitScale is the split field's scale when it is a number, -1 for a
	// string field.
	splitScale int
	tsCol      *dialect.Column // the timestamp field's column, nil without one

	// Indexes of the configured fields in a decoded row (see row.field),
	// -1 when not configured.
	topicIdx, keyIdx, valueIdx, tsIdx, splitIdx, headersJSONIdx int
	headerIdx                                                   []int
	headerNames                                                 []string
}

// whole reports whether rows are read whole and mapped to the register's
// struct.
func (p *plan) whole() bool { return p.fields == nil }

// fieldSchema returns the schema of the configured field at index i.
func (p *plan) fieldSchema(i int) *schema.Schema {
	if p.fields == nil {
		return p.om.Schema().Fields()[i].Schema
	}
	return p.fields.Schema(i)
}

// resolve checks every configured name against the metadata and returns
// the plan, or a *config.ValidationError listing everything that is wrong.
func resolve(ib *metadata.Infobase, d dialect.Dialect, c *Config) (*plan, error) {
	errs := map[string][]string{}
	given := map[string]string{KeyRegister: c.Register, KeyOrderBy: c.OrderBy, KeyValueField: c.ValueField, KeyTopicField: c.TopicField,
		KeyKeyField: c.KeyField, KeyHeadersFields: strings.Join(c.HeaderFields, ","), KeyHeadersJSONField: c.HeadersJSONField,
		KeyTimestampField: c.TimestampField, KeySplitField: c.SplitField}
	fail := func(key, msg string) {
		errs[key] = append(errs[key], (&config.InvalidValueError{Key: key, Value: given[key], Reason: msg}).Error())
	}
	invalid := func() error { return &config.ValidationError{Errors: errs} }
	o, err := common.LookupObject(ib, c.Register)
	if err != nil {
		fail(KeyRegister, err.Error())
		return nil, invalid()
	}
	if o.Kind != metadata.KindInformationRegister {
		fail(KeyRegister, fmt.Sprintf("%s is a %s; the queue must be an information register (РегистрСведений)", c.Register, o.Kind.Russian()))
		return nil, invalid()
	}
	if o.Table == "" {
		fail(KeyRegister, fmt.Sprintf("%s has no table in the database (DBNames)", o.FullNameRU()))
		return nil, invalid()
	}
	p := &plan{ib: ib, obj: o, register: o.FullNameRU(), splitScale: -1, topicIdx: -1, keyIdx: -1, valueIdx: -1, tsIdx: -1, splitIdx: -1, headersJSONIdx: -1}

	// order.by: a numeric dimension without fraction digits.
	var order *metadata.Property
	isNumberDim := func(pr *metadata.Property) bool {
		return pr.Role == metadata.RoleDimension && pr.Type.Number && !pr.Type.IsComposite() && pr.Type.Scale == 0 && len(pr.Columns) == 1
	}
	if c.OrderBy == "" {
		var cands []*metadata.Property
		for _, pr := range o.Dimensions {
			if isNumberDim(pr) {
				cands = append(cands, pr)
			}
		}
		switch len(cands) {
		case 1:
			order = cands[0]
		case 0:
			fail(KeyOrderBy, fmt.Sprintf("%s has no numeric dimension without fraction digits to order by; add one (e.g. НомерСообщения Число(19,0)) and set %s", o.FullNameRU(), KeyOrderBy))
		default:
			fail(KeyOrderBy, fmt.Sprintf("%s has several numeric dimensions; set %s to the numbering one", o.FullNameRU(), KeyOrderBy))
		}
	} else if pr, err := common.LookupProperty(o, c.OrderBy); err != nil {
		fail(KeyOrderBy, err.Error())
	} else if !isNumberDim(pr) {
		composite := ""
		if pr.Type.IsComposite() {
			composite = " (a composite type: the numbers must be of the one type Число)"
		}
		fail(KeyOrderBy, fmt.Sprintf("%s.%s is %s %s%s; %s must be a dimension of type Число with no fraction digits",
			o.FullNameRU(), pr.Name, roleName(pr.Role), pr.Type.Describe(), composite, KeyOrderBy))
	} else {
		order = pr
	}

	// The configured fields. Composite fields (several types) map to the
	// onec.Composite struct {type, value} like in the other 1C sources;
	// that suits keys, values and headers, not the fields whose value the
	// task interprets (topic, split, timestamp, JSON headers).
	var props []*metadata.Property
	index := map[*metadata.Property]int{}
	add := func(pr *metadata.Property) int {
		if i, ok := index[pr]; ok {
			return i
		}
		index[pr] = len(props)
		props = append(props, pr)
		return len(props) - 1
	}
	field := func(key, name string, check func(*metadata.Property) string) *metadata.Property {
		if name == "" {
			return nil
		}
		pr, err := common.LookupProperty(o, name)
		if err != nil {
			fail(key, err.Error())
			return nil
		}
		if check != nil {
			if msg := check(pr); msg != "" {
				fail(key, fmt.Sprintf("%s.%s: %s", o.FullNameRU(), pr.Name, msg))
				return nil
			}
		}
		return pr
	}
	valueProp := field(KeyValueField, c.ValueField, nil)
	topicProp := field(KeyTopicField, c.TopicField, func(pr *metadata.Property) string {
		if pr.Type.IsComposite() {
			return fmt.Sprintf("has a composite type (%s); %s needs a field of one type whose value names the topic (Строка, Число or an enum)",
				pr.Type.Describe(), KeyTopicField)
		}
		return ""
	})
	keyProp := field(KeyKeyField, c.KeyField, nil)
	var headerProps []*metadata.Property
	for _, h := range c.HeaderFields {
		if pr := field(KeyHeadersFields, h, nil); pr != nil {
			headerProps = append(headerProps, pr)
		}
	}
	jsonProp := field(KeyHeadersJSONField, c.HeadersJSONField, func(pr *metadata.Property) string {
		if !pr.Type.String || pr.Type.IsComposite() {
			return fmt.Sprintf("not a string (Строка) field but %s", pr.Type.Describe())
		}
		return ""
	})
	tsProp := field(KeyTimestampField, c.TimestampField, func(pr *metadata.Property) string {
		if !pr.Type.Date || pr.Type.IsComposite() {
			return fmt.Sprintf("not a date (Дата) field but %s", pr.Type.Describe())
		}
		return ""
	})
	splitProp := field(KeySplitField, c.SplitField, func(pr *metadata.Property) string {
		switch {
		case pr.Type.IsComposite():
			return fmt.Sprintf("has a composite type (%s); %s needs a field of one type, Строка or Число", pr.Type.Describe(), KeySplitField)
		case !pr.Type.String && !pr.Type.Number:
			return fmt.Sprintf("is of type %s; %s values are compared with the stored value as text, so %s needs a Строка or Число field",
				pr.Type.Describe(), KeySplitValues, KeySplitField)
		}
		return ""
	})
	splitArgs, splitScale := map[string]string{}, -1
	if splitProp != nil && splitProp.Type.Number && !splitProp.Type.IsComposite() {
		splitScale = splitProp.Type.Scale
	}
	for _, v := range c.SplitValues {
		arg, err := splitArg(v, splitProp, splitScale)
		if err != nil {
			errs[KeySplitValues] = append(errs[KeySplitValues], (&config.InvalidValueError{Key: KeySplitValues, Value: v, Reason: err.Error()}).Error())
			continue
		}
		splitArgs[v] = arg
	}
	if len(errs) > 0 {
		return nil, invalid()
	}
	dh, err := metadata.ParseDecimalHandling(c.DB.DecimalHandling)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{common.KeyDecimalHandling: {err.Error()}}}
	}
	m, err := rowmap.New(ib, rowmap.Options{Schema: metadata.SchemaOptions{DecimalHandling: dh}})
	if err == nil {
		p.om, err = m.Object(o)
	}
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{KeyRegister: {err.Error()}}}
	}

	// slot returns where a configured property sits in a decoded row.
	var slot func(pr *metadata.Property) int
	var cols []metadata.Column
	if valueProp == nil {
		st := p.om.Schema()
		slot = func(pr *metadata.Property) int {
			f, _ := st.Field(pr.Name)
			return f.Index
		}
		cols = p.om.Columns()
	} else {
		add(order)
		p.valueIdx = add(valueProp)
		for _, pr := range []*metadata.Property{topicProp, keyProp} {
			if pr != nil {
				add(pr)
			}
		}
		for _, pr := range headerProps {
			add(pr)
		}
		for _, pr := range []*metadata.Property{jsonProp, tsProp, splitProp} {
			if pr != nil {
				add(pr)
			}
		}
		if p.fields, err = p.om.Fields(props); err != nil {
			return nil, &config.ValidationError{Errors: map[string][]string{KeyValueField: {err.Error()}}}
		}
		slot = func(pr *metadata.Property) int { return index[pr] }
		cols = p.fields.Columns()
	}
	at := func(pr *metadata.Property) int {
		if pr == nil {
			return -1
		}
		return slot(pr)
	}
	p.topicIdx, p.keyIdx, p.headersJSONIdx, p.tsIdx, p.splitIdx = at(topicProp), at(keyProp), at(jsonProp), at(tsProp), at(splitProp)
	p.splitArgs, p.splitScale = splitArgs, splitScale
	for _, pr := range headerProps {
		p.headerIdx = append(p.headerIdx, slot(pr))
		p.headerNames = append(p.headerNames, pr.Name)
	}

	p.table = dialect.Table{Name: o.Table, Columns: make([]dialect.Column, len(cols))}
	p.orderRaw = -1
	for i, mc := range cols {
		if p.table.Columns[i], err = common.DialectColumn(mc); err != nil {
			return nil, &config.ValidationError{Errors: map[string][]string{KeyRegister: {fmt.Sprintf("%s: %v", o.FullNameRU(), err)}}}
		}
		if mc.Name == order.Columns[0].Name {
			p.orderRaw = i
		}
	}
	if p.orderRaw < 0 {
		return nil, fmt.Errorf("%s: the column of %s is not read", o.FullNameRU(), order.Name)
	}
	p.orderCol = p.table.Columns[p.orderRaw]
	p.table.Key = []string{p.orderCol.Name}
	if splitProp != nil {
		if p.splitCol, err = common.DialectColumn(splitProp.Columns[0]); err != nil {
			return nil, err
		}
	}
	if tsProp != nil {
		c, err := common.DialectColumn(tsProp.Columns[0])
		if err != nil {
			return nil, err
		}
		p.tsCol = &c
	}
	return p, nil
}

func roleName(r metadata.PropertyRole) string {
	switch r {
	case metadata.RoleDimension:
		return "a dimension of type"
	case metadata.RoleResource:
		return "a resource of type"
	case metadata.RoleAttribute:
		return "an attribute of type"
	}
	return "a standard attribute of type"
}

// sameShape reports whether two plans read the same columns in the same
// places into values of the same schemas (a metadata reload that changed
// nothing the records show).
func sameShape(a, b *plan) bool {
	if a.table.Name != b.table.Name || len(a.table.Columns) != len(b.table.Columns) || a.whole() != b.whole() {
		return false
	}
	for i := range a.table.Columns {
		if !strings.EqualFold(a.table.Columns[i].Name, b.table.Columns[i].Name) || a.table.Columns[i].Kind != b.table.Columns[i].Kind {
			return false
		}
	}
	if a.whole() {
		return a.om.Schema().Equal(b.om.Schema())
	}
	if a.fields.Len() != b.fields.Len() {
		return false
	}
	for i := 0; i < a.fields.Len(); i++ {
		if !a.fields.Schema(i).Equal(b.fields.Schema(i)) {
			return false
		}
	}
	return true
}

// splitArg is the text the queries compare a split.values entry with: the
// entry itself for a string field; for a number field (scale ≥ 0) the
// number with the field's scale, as the DBMS renders the column as text,
// or an error when the entry is no number the field can hold.
func splitArg(v string, pr *metadata.Property, scale int) (string, error) {
	if scale < 0 || pr == nil {
		return v, nil
	}
	d, err := decimal.NewFromString(strings.TrimSpace(v))
	if err != nil {
		return "", fmt.Errorf("%s is a number field (%s); this is not a number", pr.Name, pr.Type.Describe())
	}
	if !d.Equal(d.Truncate(int32(scale))) {
		return "", fmt.Errorf("%s has %d digits after the point (%s); this value has more and matches no row", pr.Name, scale, pr.Type.Describe())
	}
	if pr.Type.NonNegative && d.Sign() < 0 {
		return "", fmt.Errorf("%s is non-negative (%s); this value matches no row", pr.Name, pr.Type.Describe())
	}
	if pr.Type.Precision > 0 {
		limit := decimal.New(1, int32(pr.Type.Precision-scale))
		if d.Abs().GreaterThanOrEqual(limit) {
			return "", fmt.Errorf("%s holds at most %d digits before the point (%s); this value matches no row", pr.Name, pr.Type.Precision-scale, pr.Type.Describe())
		}
	}
	return d.StringFixed(int32(scale)), nil
}

// splitOf returns the configured split value a row belongs to (its
// field's value compared as the queries compare it), false when none
// matches.
func (p *plan) splitOf(v any, splits []string) (string, bool) {
	var text string
	switch d, isDecimal := v.(decimal.Decimal); {
	case p.splitScale >= 0 && isDecimal:
		text = d.StringFixed(int32(p.splitScale)) // no text round trip for the usual mapping
	case p.splitScale >= 0:
		text = fieldText(v)
		if d, err := decimal.NewFromString(strings.TrimSpace(text)); err == nil {
			text = d.StringFixed(int32(p.splitScale))
		}
	default:
		text = fieldText(v)
	}
	for _, s := range splits {
		if p.splitArgs[s] == text {
			return s, true
		}
	}
	return text, false
}
