package onectest

import (
	"fmt"
	"strconv"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

// descriptor builds the Config file of one object (1c-layout.md §5).
func (l *Layout) descriptor(ol *ObjectLayout) (*brace.Node, error) {
	o := ol.Object
	vars := map[string]*brace.Node{"UUID": brace.B(ol.UUID), "NAME": brace.S(o.Name), "SYN": synonym(o.Synonym)}
	for i, u := range ol.typeUUIDs {
		vars["T"+strconv.Itoa(i)] = brace.B(u)
	}
	if ol.RefTypeUUID != "" {
		vars["REF"] = brace.B(ol.RefTypeUUID)
	}
	var err error
	set := func(name string) func(*brace.Node, error) {
		return func(n *brace.Node, e error) {
			if e != nil && err == nil {
				err = e
			}
			vars[name] = n
		}
	}
	var tmpl string
	switch o.Kind {
	case Catalog:
		tmpl = tmplCatalog
		var owners []string
		for _, ow := range o.Owners {
			t, e := l.Object(ow)
			if e != nil {
				return nil, e
			}
			owners = append(owners, t.UUID)
		}
		vars["OWNERS"] = refList(owners)
		codeCol, descCol := ol.Table.Column("_Code"), ol.Table.Column("_Description")
		vars["CODELEN"], vars["CODETYPE"], vars["DESCLEN"] = brace.N(0), brace.N(1), brace.N(0)
		if codeCol != nil {
			vars["CODELEN"] = brace.N(codeCol.length)
			vars["CODETYPE"] = boolNum(codeCol.kind == colString)
		}
		if descCol != nil {
			vars["DESCLEN"] = brace.N(descCol.length)
		}
		vars["HIERTYPE"], vars["HIER"] = brace.N(0), boolNum(o.Hierarchical)
		set("SECTIONS")(l.sections(collCatalogSections, ol, 0, 0, 0))
		set("ATTRS")(l.properties(collCatalogAttrs, ol.fieldsByRole(roleAttribute), 5, 0, 0, 0, 0))
	case Document:
		tmpl = tmplDocument
		num := ol.Table.Column("_Number")
		vars["NUMTYPE"], vars["NUMLEN"] = boolNum(num.kind == colString), brace.N(num.length)
		vars["NUMPERIOD"] = brace.N(int(o.NumberPeriodicity))
		var regs []string
		for _, r := range o.Registers {
			t, e := l.Object(r)
			if e != nil {
				return nil, e
			}
			regs = append(regs, t.UUID)
		}
		vars["REGISTERS"] = refList(regs)
		set("SECTIONS")(l.sections(collDocSections, ol, 0, 1, 1))
		set("ATTRS")(l.properties(collDocAttrs, ol.fieldsByRole(roleAttribute), 5, 0, 1, 1))
	case ExchangePlan:
		tmpl = tmplExchangePlan
		vars["CODELEN"], vars["DESCLEN"] = brace.N(0), brace.N(0)
		if c := ol.Table.Column("_Code"); c != nil {
			vars["CODELEN"] = brace.N(c.length)
		}
		if c := ol.Table.Column("_Description"); c != nil {
			vars["DESCLEN"] = brace.N(c.length)
		}
		set("SECTIONS")(l.sections(collPlanSections, ol, 0, 0, 0))
		set("ATTRS")(l.properties(collPlanAttrs, ol.fieldsByRole(roleAttribute), 5, 0, 0, 0, 0))
	case InformationRegister:
		tmpl = tmplInfoRg
		vars["PERIODICITY"], vars["USERECORDER"] = brace.N(int(o.Periodicity)), boolNum(o.RecorderSubordinate)
		set("RESOURCES")(l.properties(collInfoResources, ol.fieldsByRole(roleResource), 7, 0, 1, 1))
		// item[1][6] = 1: the dimension is used in change registration.
		set("DIMENSIONS")(l.properties(collInfoDimensions, ol.fieldsByRole(roleDimension), 9, 0, 0, 0, 1, 1, 1))
		set("ATTRS")(l.properties(collInfoAttrs, ol.fieldsByRole(roleAttribute), 4, 0, 1, 1))
	case AccumulationRegister:
		tmpl = tmplAccumRg
		vars["ACCKIND"] = boolNum(o.Turnovers)
		set("RESOURCES")(l.properties(collAccumResources, ol.fieldsByRole(roleResource), 5, 1))
		set("ATTRS")(l.properties(collAccumAttrs, ol.fieldsByRole(roleAttribute), 3, 0, 1))
		set("DIMENSIONS")(l.properties(collAccumDimensions, ol.fieldsByRole(roleDimension), 8, 0, 0, 1, 1))
	case Enum:
		tmpl = tmplEnum
		var values []*brace.Node
		for i, v := range o.EnumValues {
			it, e := fill(tmplEnumValue, map[string]*brace.Node{"UUID": brace.B(ol.EnumValues[i]), "NAME": brace.S(v), "SYN": synonym(v)})
			if e != nil {
				return nil, e
			}
			values = append(values, it)
		}
		vars["VALUES"] = collection(collEnumValues, values)
	case Constant:
		tmpl = tmplConstant
		set("PATTERN")(l.pattern(o.Type))
	default:
		return nil, fmt.Errorf("no descriptor for kind %s", o.Kind)
	}
	if err != nil {
		return nil, err
	}
	return fill(tmpl, vars)
}

// exchangeContent builds the <plan uuid>.1 file: {2, count, uuid, autoReg, …, 0}.
func (l *Layout) exchangeContent(ol *ObjectLayout) (*brace.Node, error) {
	items := []*brace.Node{brace.N(2), brace.N(len(ol.Object.Content))}
	for _, c := range ol.Object.Content {
		t, err := l.Object(c)
		if err != nil {
			return nil, err
		}
		items = append(items, brace.B(t.UUID), brace.N(1))
	}
	items = append(items, brace.N(0))
	return brace.L(items...), nil
}

// dbNames builds the DBNames file: {maxCode,{count,{uuid,"Token",code},…}}.
func (l *Layout) dbNames() *brace.Node {
	entries := []*brace.Node{brace.N(len(l.DBNames))}
	maxCode := 0
	for _, e := range l.DBNames {
		entries = append(entries, brace.L(brace.B(e.UUID), brace.S(e.Token), brace.N(e.Code)))
		maxCode = max(maxCode, e.Code)
	}
	return brace.L(brace.N(maxCode), brace.L(entries...))
}
