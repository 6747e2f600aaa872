package metadata

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/schema"
)

// DecimalHandling selects how 1C numbers map to Connect (the
// decimal.handling.mode setting).
type DecimalHandling uint8

// Decimal handling modes.
const (
	DecimalPrecise DecimalHandling = iota // Decimal(scale) with precision as a parameter
	DecimalDouble                         // FLOAT64
	DecimalString                         // STRING
)

// ParseDecimalHandling parses "precise", "double" or "string" ("" = precise).
func ParseDecimalHandling(s string) (DecimalHandling, error) {
	switch strings.ToLower(s) {
	case "", "precise":
		return DecimalPrecise, nil
	case "double":
		return DecimalDouble, nil
	case "string":
		return DecimalString, nil
	}
	return 0, fmt.Errorf("metadata: decimal.handling.mode %q: want precise, double or string", s)
}

// SchemaOptions tunes the object → Connect schema mapping.
type SchemaOptions struct {
	DecimalHandling DecimalHandling
	// Namespace prefixes schema names (default "onec").
	Namespace string
}

// Connect parameter names the mapping sets.
const (
	// DecimalPrecisionParam carries a Decimal's precision (Confluent's name).
	DecimalPrecisionParam = "connect.decimal.precision"
	// CompositeSchemaName names the {type, value} struct of composite values.
	CompositeSchemaName = "onec.Composite"
)

// ConnectSchema maps the object to a Connect STRUCT schema, the mapping
// every 1C connector uses: one field per property named as in 1C (standard
// attributes, dimensions, resources, attributes), then one ARRAY of STRUCT
// per tabular section. Types:
//
//   - Boolean → BOOLEAN (ЭтоГруппа already un-inverted by the value reader);
//   - Number(p,s) → Decimal(s) with parameter connect.decimal.precision=p,
//     or FLOAT64 / STRING by DecimalHandling;
//   - Date, Time, DateTime → Timestamp, with the year offset removed;
//   - String → STRING; UUID → STRING (canonical); ValueStorage → BYTES;
//   - a single-target reference → optional STRING: the canonical UUID
//     (§8.1 byte order undone), or the value name for an enum; the empty
//     reference (16 zero bytes) is null. Only the object's own Ссылка (and
//     a tabular section row's owner Ссылка) is required;
//   - a composite → optional STRUCT onec.Composite {type STRING, value
//     optional STRING}: type is "Boolean", "Number", "Date", "String",
//     "Undefined" or the target's full name (Catalog.X), value its text
//     form (decimal text, RFC 3339, UUID, enum value name);
//   - ВерсияДанных and КлючСтроки → INT64; КлючЗаписи of constants is left
//     out.
func (o *Object) ConnectSchema(opts SchemaOptions) (*schema.Schema, error) {
	ns := opts.Namespace
	if ns == "" {
		ns = "onec"
	}
	b := schema.StructBuilder().Name(ns + "." + o.Kind.String() + "." + o.Name).Doc(o.Synonym)
	optionalAttrs := o.Hierarchical && (o.Kind == KindCatalog || o.Kind == KindChartOfCharacteristicTypes)
	for _, p := range o.AllProperties() {
		if p.Name == "КлючЗаписи" {
			continue
		}
		fs, err := o.propertySchema(p, opts, optionalAttrs && p.Role == RoleAttribute)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", o.FullName(), p.Name, err)
		}
		b.Field(p.Name, fs)
	}
	for _, ts := range o.TabularSections {
		row, err := o.sectionRow(ts, opts, ns, false)
		if err != nil {
			return nil, err
		}
		arr, err := schema.Array(row).Build()
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", o.FullName(), ts.Name, err)
		}
		b.Field(ts.Name, arr)
	}
	s, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.FullName(), err)
	}
	return s, nil
}

// SectionSchema maps one tabular section to a STRUCT schema for a row
// published on its own (the owner's Ссылка included).
func (o *Object) SectionSchema(ts *TabularSection, opts SchemaOptions) (*schema.Schema, error) {
	ns := opts.Namespace
	if ns == "" {
		ns = "onec"
	}
	return o.sectionRow(ts, opts, ns, true)
}

func (o *Object) sectionRow(ts *TabularSection, opts SchemaOptions, ns string, withOwner bool) (*schema.Schema, error) {
	b := schema.StructBuilder().Name(ns + "." + o.Kind.String() + "." + o.Name + "." + ts.Name).Doc(ts.Synonym)
	for _, p := range ts.AllProperties() {
		if p.Name == "Ссылка" && !withOwner {
			continue
		}
		fs, err := o.propertySchema(p, opts, false)
		if err != nil {
			return nil, fmt.Errorf("%s.%s.%s: %w", o.FullName(), ts.Name, p.Name, err)
		}
		b.Field(p.Name, fs)
	}
	s, err := b.Build()
	if err != nil {
		return nil, fmt.Errorf("%s.%s: %w", o.FullName(), ts.Name, err)
	}
	return s, nil
}

// compositeSchema is the shared {type, value} struct.
var compositeSchema = schema.StructBuilder().Name(CompositeSchemaName).Optional().
	Field("type", schema.String().MustBuild()).
	Field("value", schema.String().Optional().MustBuild()).MustBuild()

func (o *Object) propertySchema(p *Property, opts SchemaOptions, optional bool) (*schema.Schema, error) {
	for _, c := range p.Columns {
		optional = optional || c.Nullable
	}
	t := &p.Type
	var b *schema.Builder
	switch {
	case p.Name == "ВерсияДанных" || p.Name == "КлючСтроки":
		b = schema.Int64()
	case t.IsComposite():
		return compositeSchema, nil
	case t.IsEmpty():
		return nil, fmt.Errorf("property has no type")
	case t.IsReference():
		b = schema.String()
		if p.Name != "Ссылка" || p.Role != RoleStandard {
			optional = true // the empty reference is null
		}
	case t.String, t.UUID:
		b = schema.String()
	case t.Boolean:
		b = schema.Bool()
	case t.Number:
		switch opts.DecimalHandling {
		case DecimalDouble:
			b = schema.Float64()
		case DecimalString:
			b = schema.String()
		default:
			b = schema.Decimal(int32(t.Scale)).Param(DecimalPrecisionParam, strconv.Itoa(t.Precision))
		}
	case t.Date:
		b = schema.Timestamp()
	case t.ValueStorage:
		b = schema.Bytes()
	default:
		return nil, fmt.Errorf("unmapped type %s", t.Describe())
	}
	if optional {
		b = b.Optional()
	}
	if p.Synonym != "" {
		b = b.Doc(p.Synonym)
	}
	return b.Build()
}
