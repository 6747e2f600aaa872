package config

// Type is the type of a configuration key, as named in Kafka's ConfigDef
// and in the "type" field of the REST ConfigKeyInfo.
type Type string

// The configuration types. All but TypeDuration are Kafka's; TypeDuration is
// ours: a Go duration string ("30s", "1h30m") or a whole number of
// milliseconds.
const (
	TypeString   Type = "STRING"
	TypeInt      Type = "INT"
	TypeShort    Type = "SHORT"
	TypeLong     Type = "LONG"
	TypeDouble   Type = "DOUBLE"
	TypeBoolean  Type = "BOOLEAN"
	TypeList     Type = "LIST"
	TypeClass    Type = "CLASS"
	TypePassword Type = "PASSWORD"
	TypeDuration Type = "DURATION"
)

// Valid reports whether t is one of the defined types.
func (t Type) Valid() bool {
	switch t {
	case TypeString, TypeInt, TypeShort, TypeLong, TypeDouble, TypeBoolean,
		TypeList, TypeClass, TypePassword, TypeDuration:
		return true
	}
	return false
}

// Importance tells users how much a key matters (Kafka's ConfigDef.Importance).
type Importance string

// The importance levels.
const (
	ImportanceHigh   Importance = "HIGH"
	ImportanceMedium Importance = "MEDIUM"
	ImportanceLow    Importance = "LOW"
)

// Valid reports whether i is one of the defined levels.
func (i Importance) Valid() bool {
	return i == ImportanceHigh || i == ImportanceMedium || i == ImportanceLow
}

// Width is a hint for user interfaces about the size of a value
// (Kafka's ConfigDef.Width).
type Width string

// The widths.
const (
	WidthNone   Width = "NONE"
	WidthShort  Width = "SHORT"
	WidthMedium Width = "MEDIUM"
	WidthLong   Width = "LONG"
)

// Valid reports whether w is one of the defined widths.
func (w Width) Valid() bool {
	return w == WidthNone || w == WidthShort || w == WidthMedium || w == WidthLong
}

// HiddenValue is what a password prints as everywhere: fmt, JSON, slog,
// error messages and REST responses (Kafka's Password.HIDDEN).
const HiddenValue = "[hidden]"

// Common pass-through prefixes of connector configurations (Kafka Connect's
// client overrides, transformations and predicates). A ConfigDef allows
// none of them unless told to with [ConfigDef.AllowPrefix].
const (
	PrefixProducerOverride = "producer.override."
	PrefixConsumerOverride = "consumer.override."
	PrefixAdminOverride    = "admin.override."
	PrefixTransforms       = "transforms."
	PrefixPredicates       = "predicates."
)
