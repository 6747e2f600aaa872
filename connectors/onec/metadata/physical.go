package metadata

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// layout computes physical tables and columns (§5.5, §6, §9). Without
// DBNames (a .cf file) it computes the same properties and types and the
// caller drops the physical names.
type layout struct {
	dbn    *DBNames
	dbms   DBMS
	compat int
}

func (l *layout) phys(s string) string {
	if l.dbms == DBMSPostgres {
		return strings.ToLower(s)
	}
	return s
}

// code returns the DBNames code of (u, token); without DBNames it is 0.
func (l *layout) code(u uuid1c.UUID, token string) (int, error) {
	if l.dbn == nil {
		return 0, nil
	}
	c, ok := l.dbn.Code(u, token)
	if !ok {
		return 0, fmt.Errorf("no DBNames entry (%s, %q)", u, token)
	}
	return c, nil
}

func (l *layout) col(name string, p ColumnPurpose, k ColumnKind) Column {
	return Column{Name: l.phys(name), Purpose: p, Kind: k}
}

// valueColumns returns the columns of a value of type t stored under base
// (e.g. "_Fld54"), by §5.5.
func (l *layout) valueColumns(base string, t *TypeDef, nullable bool) []Column {
	var cols []Column
	add := func(c Column) {
		c.Nullable = nullable
		cols = append(cols, c)
	}
	if !t.IsComposite() {
		switch {
		case t.IsReference():
			add(l.col(base+"RRef", PurposeRef, ColBinary16))
		case t.Boolean:
			add(l.col(base, PurposeValue, ColBool))
		case t.Number:
			c := l.col(base, PurposeValue, ColNumeric)
			c.Precision, c.Scale = t.Precision, t.Scale
			add(c)
		case t.Date:
			add(l.col(base, PurposeValue, ColDateTime))
		case t.String:
			c := l.col(base, PurposeValue, ColString)
			c.Length, c.Fixed = t.Length, t.Fixed
			add(c)
		case t.UUID:
			add(l.col(base, PurposeValue, ColBinary16))
		case t.ValueStorage:
			add(l.col(base, PurposeValue, ColBytes))
		}
		return cols
	}
	add(l.col(base+"_TYPE", PurposeTag, ColTypeTag))
	if t.Boolean {
		add(l.col(base+"_L", PurposeBool, ColBool))
	}
	if t.Number {
		c := l.col(base+"_N", PurposeNumber, ColNumeric)
		c.Precision, c.Scale = t.Precision, t.Scale
		add(c)
	}
	if t.Date {
		add(l.col(base+"_T", PurposeDate, ColDateTime))
	}
	if t.String {
		c := l.col(base+"_S", PurposeString, ColString)
		c.Length, c.Fixed = t.Length, t.Fixed
		add(c)
	}
	if t.UUID || t.ValueStorage {
		// Not in DaJet's rules; spelling UNCONFIRMED (§5.5).
		add(l.col(base+"_B", PurposeBinary, ColBytes))
	}
	if t.IsReference() {
		if t.RefTargets() > 1 {
			add(l.col(base+"_RTRef", PurposeTypeCode, ColBinary4))
		}
		add(l.col(base+"_RRRef", PurposeRef, ColBinary16))
	}
	return cols
}

func std(name string, t TypeDef, cols ...Column) *Property {
	return &Property{Name: name, Role: RoleStandard, Type: t, Columns: cols}
}

func refType(u ...uuid1c.UUID) TypeDef { return TypeDef{Refs: u} }

func (l *layout) stdRef(o *Object) *Property {
	return std("Ссылка", refType(o.UUID), l.col("_IDRRef", PurposeRef, ColBinary16))
}

func (l *layout) stdVersion() *Property {
	return std("ВерсияДанных", TypeDef{}, l.col("_Version", PurposeValue, ColVersion))
}

func (l *layout) stdMarked() *Property {
	return std("ПометкаУдаления", TypeDef{Boolean: true}, l.col("_Marked", PurposeValue, ColBool))
}

func (l *layout) stdPredefined(exchangePlan bool) *Property {
	min := 80303
	if exchangePlan {
		min = 80216
	}
	if l.compat >= min {
		return std("Предопределенный", TypeDef{UUID: true}, l.col("_PredefinedID", PurposeValue, ColBinary16))
	}
	return std("Предопределенный", TypeDef{Boolean: true}, l.col("_IsMetadata", PurposeValue, ColBool))
}

func (l *layout) stdCode(o *Object) *Property {
	if o.CodeIsNumber {
		c := l.col("_Code", PurposeValue, ColNumeric)
		c.Precision = o.CodeLength
		return std("Код", TypeDef{Number: true, Precision: o.CodeLength}, c)
	}
	c := l.col("_Code", PurposeValue, ColString)
	c.Length = o.CodeLength
	return std("Код", TypeDef{String: true, Length: o.CodeLength}, c)
}

func (l *layout) stdDescription(o *Object) *Property {
	c := l.col("_Description", PurposeValue, ColString)
	c.Length = o.DescriptionLength
	return std("Наименование", TypeDef{String: true, Length: o.DescriptionLength}, c)
}

func (l *layout) numeric(name, col string, prec int) *Property {
	c := l.col(col, PurposeValue, ColNumeric)
	c.Precision = prec
	return std(name, TypeDef{Number: true, Precision: prec}, c)
}

// stdRecorder: _RecorderTRef only with several recorder document types.
func (l *layout) stdRecorder(o *Object) *Property {
	t := refType(o.Recorders...)
	var cols []Column
	if len(o.Recorders) != 1 {
		cols = append(cols, l.col("_RecorderTRef", PurposeTypeCode, ColBinary4))
	}
	cols = append(cols, l.col("_RecorderRRef", PurposeRef, ColBinary16))
	return std("Регистратор", t, cols...)
}

func (l *layout) stdPeriod() *Property {
	return std("Период", TypeDef{Date: true}, l.col("_Period", PurposeValue, ColDateTime))
}

// standard builds the system properties of o in physical order (§6).
func (l *layout) standard(o *Object) []*Property {
	var ps []*Property
	switch o.Kind {
	case KindCatalog, KindChartOfCharacteristicTypes:
		ps = append(ps, l.stdRef(o), l.stdVersion(), l.stdMarked(), l.stdPredefined(false))
		if o.Hierarchical {
			ps = append(ps, std("Родитель", refType(o.UUID), l.col("_ParentIDRRef", PurposeRef, ColBinary16)))
		}
		if o.HierarchyGroups {
			p := std("ЭтоГруппа", TypeDef{Boolean: true}, l.col("_Folder", PurposeValue, ColBool))
			p.Inverted = true
			ps = append(ps, p)
		}
		if len(o.Owners) > 0 {
			t := refType(o.Owners...)
			ps = append(ps, std("Владелец", t, l.valueColumns("_OwnerID", &t, false)...))
		}
		if o.CodeLength > 0 {
			ps = append(ps, l.stdCode(o))
		}
		if o.DescriptionLength > 0 {
			ps = append(ps, l.stdDescription(o))
		}
		if o.Kind == KindChartOfCharacteristicTypes {
			ps = append(ps, std("ТипЗначения", TypeDef{ValueStorage: true}, l.col("_Type", PurposeValue, ColBytes)))
		}
	case KindDocument:
		ps = append(ps, l.stdRef(o), l.stdVersion(), l.stdMarked(),
			std("Дата", TypeDef{Date: true}, l.col("_Date_Time", PurposeValue, ColDateTime)))
		if o.NumberLength > 0 {
			if o.NumberPeriodicity != 0 {
				ps = append(ps, std("ПериодНомера", TypeDef{Date: true}, l.col("_NumberPrefix", PurposeValue, ColDateTime)))
			}
			if o.NumberIsNumber {
				ps = append(ps, l.numeric("Номер", "_Number", o.NumberLength))
			} else {
				c := l.col("_Number", PurposeValue, ColString)
				c.Length = o.NumberLength
				ps = append(ps, std("Номер", TypeDef{String: true, Length: o.NumberLength}, c))
			}
		}
		ps = append(ps, std("Проведен", TypeDef{Boolean: true}, l.col("_Posted", PurposeValue, ColBool)))
	case KindExchangePlan:
		ps = append(ps, l.stdRef(o), l.stdVersion(), l.stdMarked())
		if o.CodeLength > 0 {
			ps = append(ps, l.stdCode(o))
		}
		if o.DescriptionLength > 0 {
			ps = append(ps, l.stdDescription(o))
		}
		ps = append(ps, l.numeric("НомерОтправленного", "_SentNo", 10), l.numeric("НомерПринятого", "_ReceivedNo", 10),
			l.stdPredefined(true))
	case KindEnum:
		ps = append(ps, l.stdRef(o), l.numeric("Порядок", "_EnumOrder", 10))
	case KindInformationRegister:
		if o.Periodicity != PeriodNone {
			ps = append(ps, l.stdPeriod())
		}
		if o.UseRecorder {
			ps = append(ps, l.stdRecorder(o), l.numeric("НомерСтроки", "_LineNo", 9),
				std("Активность", TypeDef{Boolean: true}, l.col("_Active", PurposeValue, ColBool)))
		}
	case KindAccumulationRegister:
		ps = append(ps, l.stdPeriod(), l.stdRecorder(o), l.numeric("НомерСтроки", "_LineNo", 9),
			std("Активность", TypeDef{Boolean: true}, l.col("_Active", PurposeValue, ColBool)))
		if o.RegisterKind == Balances {
			ps = append(ps, l.numeric("ВидДвижения", "_RecordKind", 1))
		}
	case KindConstant:
		ps = append(ps, std("КлючЗаписи", TypeDef{}, l.col("_RecordKey", PurposeValue, ColTypeTag)))
	}
	return ps
}

// build fills o's table, standard attributes and the columns of every
// property. Types must already be resolved. It fails when DBNames lacks
// an entry the object needs.
func (l *layout) build(o *Object, tsLineNo map[*TabularSection]int) error {
	code, err := l.code(o.UUID, o.Kind.Token())
	if err != nil {
		return err
	}
	o.TypeCode = code
	o.Table = l.phys("_" + o.Kind.Token() + strconv.Itoa(code))
	o.StandardAttributes = l.standard(o)
	nullable := o.Hierarchical && (o.Kind == KindCatalog || o.Kind == KindChartOfCharacteristicTypes)
	if o.Kind == KindConstant {
		fld, err := l.code(o.UUID, "Fld")
		if err != nil {
			return err
		}
		v := std("Значение", *o.ValueType, l.valueColumns("_Fld"+strconv.Itoa(fld), o.ValueType, false)...)
		o.StandardAttributes = append(o.StandardAttributes, v)
	}
	for _, group := range [][]*Property{o.Dimensions, o.Resources, o.Attributes} {
		for _, p := range group {
			if err := l.fieldColumns(p, nullable); err != nil {
				return err
			}
		}
	}
	if o.Kind == KindInformationRegister && l.compat < 80303 && o.Periodicity == PeriodNone && !o.UseRecorder && len(o.Dimensions) > 1 {
		sk := std("SimpleKey", TypeDef{UUID: true}, l.col("_SimpleKey", PurposeValue, ColBinary16))
		sk.trailing = true // the last column of the table (§6.6)
		o.StandardAttributes = append(o.StandardAttributes, sk)
	}
	for _, ts := range o.TabularSections {
		vt, err := l.code(ts.UUID, "VT")
		if err != nil {
			return fmt.Errorf("tabular section %s: %w", ts.Name, err)
		}
		lineNo, err := l.code(ts.UUID, "LineNo")
		if err != nil {
			return fmt.Errorf("tabular section %s: %w", ts.Name, err)
		}
		ts.Table = o.Table + l.phys("_VT"+strconv.Itoa(vt))
		ts.LineNumberLength = 5
		if n := tsLineNo[ts]; l.compat >= 80327 && n >= 5 && n <= 9 {
			ts.LineNumberLength = n
		}
		ts.StandardAttributes = []*Property{
			std("Ссылка", refType(o.UUID), Column{Name: l.phys(o.Table + "_IDRRef"), Purpose: PurposeRef, Kind: ColBinary16}),
			std("КлючСтроки", TypeDef{}, l.col("_KeyField", PurposeValue, ColBinary4)),
			l.numeric("НомерСтроки", "_LineNo"+strconv.Itoa(lineNo), ts.LineNumberLength),
		}
		for _, p := range ts.Attributes {
			if err := l.fieldColumns(p, false); err != nil {
				return fmt.Errorf("tabular section %s: %w", ts.Name, err)
			}
		}
	}
	return l.changeTable(o)
}

func (l *layout) fieldColumns(p *Property, nullable bool) error {
	fld, err := l.code(p.UUID, "Fld")
	if err != nil {
		return fmt.Errorf("property %s: %w", p.Name, err)
	}
	p.Columns = l.valueColumns("_Fld"+strconv.Itoa(fld), &p.Type, nullable)
	return nil
}

// changeTable builds §9.2's change table when DBNames has a …ChngR entry.
func (l *layout) changeTable(o *Object) error {
	token := kinds[o.Kind].chngr
	if l.dbn == nil || token == "" {
		return nil
	}
	code, ok := l.dbn.Code(o.UUID, token)
	if !ok {
		return nil
	}
	ct := &ChangeTable{
		Table: l.phys("_" + token + strconv.Itoa(code)),
		Node: std("УзелОбмена", TypeDef{},
			l.col("_NodeTRef", PurposeTypeCode, ColBinary4), l.col("_NodeRRef", PurposeRef, ColBinary16)),
		MessageNo: Column{Name: l.phys("_MessageNo"), Kind: ColNumeric, Precision: 10, Nullable: true},
	}
	switch {
	case o.Kind == KindConstant:
		ct.Key = []*Property{std("Константа", TypeDef{UUID: true}, l.col("_ConstID", PurposeValue, ColBinary16))}
	case o.Kind.IsReference():
		ct.Key = []*Property{o.StandardAttributes[0]}
	case o.UseRecorder:
		for _, p := range o.StandardAttributes {
			if p.Name == "Регистратор" {
				ct.Key = []*Property{p}
			}
		}
	default: // independent information register
		if o.Periodicity != PeriodNone && o.UsePeriodForChangeTracking {
			ct.Key = append(ct.Key, nullableCopy(o.StandardAttributes[0]))
		}
		for _, d := range o.Dimensions {
			if d.UseInChangeTracking {
				ct.Key = append(ct.Key, nullableCopy(d))
			}
		}
	}
	o.ChangeTable = ct
	return nil
}

func nullableCopy(p *Property) *Property {
	c := *p
	c.Columns = append([]Column(nil), p.Columns...)
	for i := range c.Columns {
		c.Columns[i].Nullable = true
	}
	return &c
}

// stripPhysical removes physical names from a model read without DBNames.
func stripPhysical(o *Object) {
	o.Table, o.TypeCode, o.ChangeTable = "", 0, nil
	for _, p := range o.AllProperties() {
		p.Columns = nil
	}
	for _, ts := range o.TabularSections {
		ts.Table = ""
		for _, p := range ts.AllProperties() {
			p.Columns = nil
		}
	}
}
