package onectest

import (
	"fmt"
	"strconv"
	"strings"
)

// Configuration is a declarative 1C configuration: the input of Build.
type Configuration struct {
	// Name of the configuration (Конфигурация.Имя).
	Name string
	// Synonym shown to users; optional.
	Synonym string
	// CompatibilityVersion is the compatibility mode, e.g. "8.3.23".
	// Empty means "8.3.23".
	CompatibilityVersion string
	// Objects in declaration order; DBNames codes follow this order.
	Objects []*Object
}

// Object is one metadata object: catalog, document, enum, constant,
// register or exchange plan. Fields that do not apply to its kind must be
// left empty.
type Object struct {
	Kind    Kind
	Name    string
	Synonym string
	// UUID of the object; empty means derived from the configuration name
	// and the full name, so builds are reproducible.
	UUID string

	// Attributes (реквизиты) of catalogs, documents, registers, exchange plans.
	Attributes      []Attribute
	TabularSections []TabularSection // catalogs, documents, exchange plans

	// Catalogs and exchange plans: code and description lengths (0 = none;
	// zero values get the defaults 9 and 25). CodeNumeric makes the code a
	// number. Catalogs only: Hierarchical (groups and items) and Owners.
	CodeLength        int
	DescriptionLength int
	CodeNumeric       bool
	NoCode            bool // no _Code column at all
	NoDescription     bool // no _Description column at all
	Hierarchical      bool
	Owners            []string

	// Documents: number length (default 11), numeric numbers, periodicity
	// of numbering (adds _NumberPrefix when not PeriodNone) and the
	// registers the document posts to (full names).
	NumberLength      int
	NumberNumeric     bool
	NumberPeriodicity Periodicity
	Registers         []string

	// Registers: dimensions and resources. Information registers:
	// Periodicity and RecorderSubordinate (Documents posting to it are
	// taken from the documents' Registers). Accumulation registers are
	// always subordinate; Turnovers selects the turnover kind.
	Dimensions          []Attribute
	Resources           []Attribute
	Periodicity         Periodicity
	RecorderSubordinate bool
	Turnovers           bool

	// Enums: value names, in order.
	EnumValues []string

	// Constants: the value type.
	Type Type

	// Exchange plans: the content (full names of registered objects) and
	// the nodes. The first node with ThisNode set is the predefined
	// "this node"; if none has it, one is added with code "ЦБ".
	Content []string
	Nodes   []ExchangeNode
}

// Attribute is an attribute, dimension, resource or tabular-section
// attribute.
type Attribute struct {
	Name    string
	Synonym string
	Type    Type
	UUID    string // empty = derived
}

// TabularSection is a tabular section (табличная часть) of an object.
type TabularSection struct {
	Name       string
	Synonym    string
	Attributes []Attribute
	UUID       string // empty = derived
}

// ExchangeNode is one node of an exchange plan.
type ExchangeNode struct {
	Code        string
	Description string
	ThisNode    bool
}

// Periodicity of an information register or of document numbering, with
// the codes 1c-layout.md §5.2 gives for the descriptor.
type Periodicity int

// Periodicity values.
const (
	PeriodNone Periodicity = iota
	PeriodYear
	PeriodQuarter
	PeriodMonth
	PeriodDay
	PeriodSecond
	PeriodRecorderPosition
)

// FullName returns "<Russian kind>.<Name>".
func (o *Object) FullName() string { return o.Kind.String() + "." + o.Name }

// Object returns the object with the given full name (Russian or English
// kind prefix), or nil.
func (c *Configuration) Object(fullName string) *Object {
	k, name, err := ParseFullName(fullName)
	if err != nil {
		return nil
	}
	for _, o := range c.Objects {
		if o.Kind == k && o.Name == name {
			return o
		}
	}
	return nil
}

// compatibility returns the compatibility version as a number (80323).
func (c *Configuration) compatibility() (int, error) {
	v := c.CompatibilityVersion
	if v == "" {
		v = "8.3.23"
	}
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return 0, fmt.Errorf("onectest: compatibility version %q is not like 8.3.23", v)
	}
	var n [3]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 || x > 99 {
			return 0, fmt.Errorf("onectest: compatibility version %q is not like 8.3.23", v)
		}
		n[i] = x
	}
	return n[0]*10000 + n[1]*100 + n[2], nil
}

// Validate checks the configuration: unique names, known references,
// qualifiers, and fields that suit each kind.
func (c *Configuration) Validate() error {
	if c == nil {
		return fmt.Errorf("onectest: nil configuration")
	}
	if c.Name == "" {
		return fmt.Errorf("onectest: configuration has no name")
	}
	if _, err := c.compatibility(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, o := range c.Objects {
		if o == nil {
			return fmt.Errorf("onectest: object %d is nil", i)
		}
		if _, ok := kindInfo[o.Kind]; !ok {
			return fmt.Errorf("onectest: object %q has unknown kind %d", o.Name, int(o.Kind))
		}
		if !validName(o.Name) {
			return fmt.Errorf("onectest: object name %q is not a 1C identifier", o.Name)
		}
		key := strings.ToLower(o.FullName())
		if seen[key] {
			return fmt.Errorf("onectest: duplicate object %s", o.FullName())
		}
		seen[key] = true
		if err := c.validateObject(o); err != nil {
			return fmt.Errorf("onectest: %s: %w", o.FullName(), err)
		}
	}
	return nil
}

func (c *Configuration) validateObject(o *Object) error {
	check := func(what string, attrs []Attribute) error {
		names := map[string]bool{}
		for _, a := range attrs {
			if !validName(a.Name) {
				return fmt.Errorf("%s name %q is not a 1C identifier", what, a.Name)
			}
			if names[strings.ToLower(a.Name)] {
				return fmt.Errorf("duplicate %s %q", what, a.Name)
			}
			names[strings.ToLower(a.Name)] = true
			if err := a.Type.validate(); err != nil {
				return fmt.Errorf("%s %s: %w", what, a.Name, err)
			}
			if err := c.checkRefs(a.Type); err != nil {
				return fmt.Errorf("%s %s: %w", what, a.Name, err)
			}
		}
		return nil
	}
	if err := check("attribute", append(append(append([]Attribute{}, o.Attributes...), o.Dimensions...), o.Resources...)); err != nil {
		return err
	}
	for _, ts := range o.TabularSections {
		if !validName(ts.Name) {
			return fmt.Errorf("tabular section name %q is not a 1C identifier", ts.Name)
		}
		if err := check("attribute of "+ts.Name, ts.Attributes); err != nil {
			return err
		}
	}
	isRegister := o.Kind == InformationRegister || o.Kind == AccumulationRegister
	if !isRegister && (len(o.Dimensions) > 0 || len(o.Resources) > 0) {
		return fmt.Errorf("only registers have dimensions and resources")
	}
	if len(o.TabularSections) > 0 && o.Kind != Catalog && o.Kind != Document && o.Kind != ExchangePlan {
		return fmt.Errorf("a %s has no tabular sections", o.Kind)
	}
	if o.Kind == AccumulationRegister && len(o.Resources) == 0 {
		return fmt.Errorf("an accumulation register needs a resource")
	}
	if o.Kind == AccumulationRegister || (o.Kind == InformationRegister && o.RecorderSubordinate) {
		if len(c.recorders(o)) == 0 {
			return fmt.Errorf("a register subordinate to a recorder needs a document listing it in Registers")
		}
	}
	if o.Kind == Enum && len(o.EnumValues) == 0 {
		return fmt.Errorf("an enum needs values")
	}
	if o.Kind == Constant {
		if err := o.Type.validate(); err != nil {
			return fmt.Errorf("value type: %w", err)
		}
		if err := c.checkRefs(o.Type); err != nil {
			return err
		}
	}
	for _, r := range o.Registers {
		reg := c.Object(r)
		if reg == nil || (reg.Kind != AccumulationRegister && !(reg.Kind == InformationRegister && reg.RecorderSubordinate)) {
			return fmt.Errorf("posts to %s, which is not a recorder-subordinate register of this configuration", r)
		}
	}
	for _, ow := range o.Owners {
		if t := c.Object(ow); t == nil || t.Kind != Catalog {
			return fmt.Errorf("owner %s is not a catalog of this configuration", ow)
		}
	}
	for _, item := range o.Content {
		t := c.Object(item)
		if t == nil {
			return fmt.Errorf("content item %s is not in the configuration", item)
		}
		if kindInfo[t.Kind].chngr == "" {
			return fmt.Errorf("content item %s cannot be registered in an exchange plan", item)
		}
	}
	codes := map[string]bool{}
	for _, n := range o.Nodes {
		if n.Code == "" || codes[n.Code] {
			return fmt.Errorf("node code %q is empty or repeated", n.Code)
		}
		codes[n.Code] = true
	}
	return nil
}

func (c *Configuration) checkRefs(t Type) error {
	for _, r := range t.Refs {
		target := c.Object(r)
		if target == nil {
			return fmt.Errorf("reference to %s, which is not in the configuration", r)
		}
		if !target.Kind.isReference() {
			return fmt.Errorf("%s cannot be referenced", r)
		}
	}
	return nil
}

// recorders returns the documents that post to the register.
func (c *Configuration) recorders(reg *Object) []*Object {
	var out []*Object
	for _, d := range c.Objects {
		if d.Kind != Document {
			continue
		}
		for _, r := range d.Registers {
			if x := c.Object(r); x == reg {
				out = append(out, d)
			}
		}
	}
	return out
}

// validName reports whether s looks like a 1C identifier: a letter or '_'
// followed by letters, digits or '_'.
func validName(s string) bool {
	if s == "" || len([]rune(s)) > 80 {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= 'а' && r <= 'я') || (r >= 'А' && r <= 'Я') || r == 'ё' || r == 'Ё'
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}
