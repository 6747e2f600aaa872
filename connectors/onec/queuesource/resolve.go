package queuesource

import (
	"errors"
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// plan is the configuration resolved against one metadata snapshot: which
// columns to read and where each configured field sits in a row.
type plan struct {
	obj      *metadata.Object
	register string // the register's Russian full name (source partition)
	table    dialect.Table
	mapper   *common.RowMapper
	orderCol dialect.Column
	splitCol dialect.Column

	orderIdx, topicIdx, keyIdx, valueIdx, tsIdx, splitIdx, headersJSONIdx int
	headerIdx                                                             []int
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
	o, err := common.LookupObject(ib, c.Register)
	if err != nil {
		fail(KeyRegister, err.Error())
		return nil, &config.ValidationError{Errors: errs}
	}
	if o.Kind != metadata.KindInformationRegister {
		fail(KeyRegister, fmt.Sprintf("%s is a %s; the queue must be an information register (РегистрСведений)", c.Register, o.Kind.Russian()))
		return nil, &config.ValidationError{Errors: errs}
	}
	if o.Table == "" {
		fail(KeyRegister, fmt.Sprintf("%s has no table in the database (DBNames)", o.FullNameRU()))
		return nil, &config.ValidationError{Errors: errs}
	}
	p := &plan{obj: o, register: o.FullNameRU(), orderIdx: -1, topicIdx: -1, keyIdx: -1, valueIdx: -1, tsIdx: -1, splitIdx: -1, headersJSONIdx: -1}

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
		fail(KeyOrderBy, fmt.Sprintf("%s.%s is %s %s; %s must be a dimension of type Число with no fraction digits",
			o.FullNameRU(), pr.Name, roleName(pr.Role), pr.Type.Describe(), KeyOrderBy))
	} else {
		order = pr
	}

	// Fields to select: the whole row (value as a struct) or only those named.
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
	field := func(key, name string, check func(*metadata.Property) string) int {
		if name == "" {
			return -1
		}
		pr, err := common.LookupProperty(o, name)
		if err != nil {
			fail(key, err.Error())
			return -1
		}
		if len(pr.Columns) != 1 {
			fail(key, fmt.Sprintf("%s.%s has a composite type (%s), which the queue source does not read", o.FullNameRU(), pr.Name, pr.Type.Describe()))
			return -1
		}
		if check != nil {
			if msg := check(pr); msg != "" {
				fail(key, fmt.Sprintf("%s.%s: %s", o.FullNameRU(), pr.Name, msg))
				return -1
			}
		}
		return add(pr)
	}
	if order != nil {
		p.orderIdx = add(order)
	}
	if c.ValueField == "" {
		for _, pr := range append(append(append([]*metadata.Property{}, o.Dimensions...), o.Resources...), o.Attributes...) {
			if len(pr.Columns) != 1 {
				fail(KeyValueField, fmt.Sprintf("%s.%s has a composite type (%s); set %s to send one field instead of the whole row",
					o.FullNameRU(), pr.Name, pr.Type.Describe(), KeyValueField))
				continue
			}
			add(pr)
		}
	} else {
		p.valueIdx = field(KeyValueField, c.ValueField, nil)
	}
	p.topicIdx = field(KeyTopicField, c.TopicField, nil)
	p.keyIdx = field(KeyKeyField, c.KeyField, nil)
	for _, h := range c.HeaderFields {
		if i := field(KeyHeadersFields, h, nil); i >= 0 {
			p.headerIdx = append(p.headerIdx, i)
		}
	}
	p.headersJSONIdx = field(KeyHeadersJSONField, c.HeadersJSONField, func(pr *metadata.Property) string {
		if !pr.Type.String {
			return "not a string (Строка) field"
		}
		return ""
	})
	p.tsIdx = field(KeyTimestampField, c.TimestampField, func(pr *metadata.Property) string {
		if !pr.Type.Date {
			return "not a date (Дата) field"
		}
		return ""
	})
	p.splitIdx = field(KeySplitField, c.SplitField, nil)
	if len(errs) > 0 {
		return nil, &config.ValidationError{Errors: errs}
	}
	dh, err := metadata.ParseDecimalHandling(c.DB.DecimalHandling)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{common.KeyDecimalHandling: {err.Error()}}}
	}
	if p.mapper, err = common.NewRowMapper(d, o, props, common.MapperOptions{DecimalHandling: dh}); err != nil {
		key := KeyRegister
		if errors.Is(err, common.ErrUnsupportedType) {
			key = KeyValueField
		}
		return nil, &config.ValidationError{Errors: map[string][]string{key: {err.Error()}}}
	}
	cols := p.mapper.Columns()
	p.orderCol = cols[p.orderIdx]
	if p.splitIdx >= 0 {
		p.splitCol = cols[p.splitIdx]
	}
	p.table = dialect.Table{Name: o.Table, Columns: cols, Key: []string{p.orderCol.Name}}
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
// places (a metadata reload that changed nothing the task uses).
func sameShape(a, b *plan) bool {
	if a.table.Name != b.table.Name || len(a.table.Columns) != len(b.table.Columns) || !a.mapper.Schema().Equal(b.mapper.Schema()) {
		return false
	}
	for i := range a.table.Columns {
		if !strings.EqualFold(a.table.Columns[i].Name, b.table.Columns[i].Name) {
			return false
		}
	}
	return true
}
