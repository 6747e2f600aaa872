package transforms

import (
	"math"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

const (
	keyHeader       = "header"
	keyValueLiteral = "value.literal"
)

func insertHeaderConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyHeader, Type: config.TypeString, Required: true, Validator: config.NonEmptyString(),
			Importance: config.ImportanceHigh, Doc: "The name of the header."}).
		Define(config.Key{Name: keyValueLiteral, Type: config.TypeString, Required: true,
			Importance: config.ImportanceHigh, Doc: "The literal value that is to be set as the header value on all records."})
}

// InsertHeader adds a header with a literal value (Kafka's InsertHeader).
// The literal's type is inferred as Kafka's Values.parseString does for
// booleans, integers and floating-point numbers; anything else is a string.
type InsertHeader struct {
	noClose
	name   string
	schema *schema.Schema
	value  any
}

// Config describes the settings.
func (*InsertHeader) Config() *config.ConfigDef { return insertHeaderConfig() }

// Configure reads header and value.literal.
func (h *InsertHeader) Configure(props map[string]string) error {
	v, err := insertHeaderConfig().Parse(props)
	if err != nil {
		return err
	}
	h.name = v.String(keyHeader)
	h.schema, h.value = inferLiteral(v.String(keyValueLiteral))
	return nil
}

// Apply adds the header.
func (h *InsertHeader) Apply(r *connect.Record) (*connect.Record, error) {
	r.Headers.Add(h.name, h.schema, h.value)
	return r, nil
}

func inferLiteral(s string) (*schema.Schema, any) {
	t := strings.TrimSpace(s)
	switch strings.ToLower(t) {
	case "true":
		return schema.Bool().MustBuild(), true
	case "false":
		return schema.Bool().MustBuild(), false
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		switch {
		case n >= math.MinInt8 && n <= math.MaxInt8:
			return schema.Int8().MustBuild(), int8(n)
		case n >= math.MinInt16 && n <= math.MaxInt16:
			return schema.Int16().MustBuild(), int16(n)
		case n >= math.MinInt32 && n <= math.MaxInt32:
			return schema.Int32().MustBuild(), int32(n)
		}
		return schema.Int64().MustBuild(), n
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && strings.ContainsAny(t, ".eE") && !math.IsInf(f, 0) {
		return schema.Float64().MustBuild(), f
	}
	return schema.String().MustBuild(), s
}

const (
	keyPattern = "pattern"
	keyName    = "name"
)

func topicNameMatchesConfig() *config.ConfigDef {
	return config.NewConfigDef().Define(config.Key{Name: keyPattern, Type: config.TypeString, Required: true,
		Validator: config.ValidRegex(), Importance: config.ImportanceMedium,
		Doc: "A Java regular expression for matching against the name of a record's topic."})
}

// TopicNameMatches matches records whose whole topic name matches pattern.
type TopicNameMatches struct {
	noClose
	re interface{ MatchString(string) bool }
}

// Config describes the settings.
func (*TopicNameMatches) Config() *config.ConfigDef { return topicNameMatchesConfig() }

// Configure compiles the pattern.
func (p *TopicNameMatches) Configure(props map[string]string) error {
	v, err := topicNameMatchesConfig().Parse(props)
	if err != nil {
		return err
	}
	re, err := compileWhole(v.String(keyPattern))
	if err != nil {
		return err
	}
	p.re = re
	return nil
}

// Test reports whether the topic matches.
func (p *TopicNameMatches) Test(r *connect.Record) bool {
	return r.Topic != "" && p.re.MatchString(r.Topic)
}

func hasHeaderKeyConfig() *config.ConfigDef {
	return config.NewConfigDef().Define(config.Key{Name: keyName, Type: config.TypeString, Required: true,
		Validator: config.NonEmptyString(), Importance: config.ImportanceMedium, Doc: "The header name."})
}

// HasHeaderKey matches records with at least one header of a name.
type HasHeaderKey struct {
	noClose
	name string
}

// Config describes the settings.
func (*HasHeaderKey) Config() *config.ConfigDef { return hasHeaderKeyConfig() }

// Configure reads the name.
func (p *HasHeaderKey) Configure(props map[string]string) error {
	v, err := hasHeaderKeyConfig().Parse(props)
	if err != nil {
		return err
	}
	p.name = v.String(keyName)
	return nil
}

// Test reports whether the header is present.
func (p *HasHeaderKey) Test(r *connect.Record) bool {
	_, ok := r.Headers.Last(p.name)
	return ok
}

// RecordIsTombstone matches records with a null value.
type RecordIsTombstone struct{ noClose }

// Config describes the (empty) settings.
func (*RecordIsTombstone) Config() *config.ConfigDef { return emptyConfig() }

// Configure accepts no settings.
func (*RecordIsTombstone) Configure(props map[string]string) error {
	_, err := emptyConfig().Parse(props)
	return err
}

// Test reports whether the value is null.
func (*RecordIsTombstone) Test(r *connect.Record) bool { return r.Value == nil }
