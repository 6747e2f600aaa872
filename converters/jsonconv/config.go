package jsonconv

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters"
)

// Class is the Kafka Connect class name of this converter.
const Class = "org.apache.kafka.connect.json.JsonConverter"

// Version is the implementation version reported by the plugin descriptor.
const Version = "1.0.0"

// Configuration keys, as JsonConverterConfig and ConverterConfig name them.
const (
	SchemasEnableConfig          = "schemas.enable"
	SchemasCacheSizeConfig       = "schemas.cache.size"
	DecimalFormatConfig          = "decimal.format"
	ReplaceNullWithDefaultConfig = "replace.null.with.default"
	TypeConfig                   = "converter.type"
)

// The decimal.format values.
const (
	DecimalBase64  = "BASE64"
	DecimalNumeric = "NUMERIC"
)

// The converter.type values.
const (
	TypeKey    = "key"
	TypeValue  = "value"
	TypeHeader = "header"
)

// DefaultCacheSize is the default of schemas.cache.size.
const DefaultCacheSize = 1000

// ConfigDef returns the converter's settings, with Kafka's names, defaults,
// groups and documentation.
func ConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: TypeConfig, Type: config.TypeString,
			Validator: config.OneOf(TypeKey, TypeValue, TypeHeader), Importance: config.ImportanceLow,
			Doc: "How this converter will be used."}).
		Define(config.Key{Name: SchemasEnableConfig, Type: config.TypeBoolean, Default: true,
			Importance: config.ImportanceHigh, Group: "Schemas", Width: config.WidthMedium, DisplayName: "Enable Schemas",
			Doc: "Include schemas within each of the serialized values and keys."}).
		Define(config.Key{Name: SchemasCacheSizeConfig, Type: config.TypeInt, Default: DefaultCacheSize,
			Validator: config.AtLeast(0), Importance: config.ImportanceHigh, Group: "Schemas", Width: config.WidthMedium,
			DisplayName: "Schema Cache Size",
			Doc:         "The maximum number of schemas that can be cached in this converter instance."}).
		Define(config.Key{Name: DecimalFormatConfig, Type: config.TypeString, Default: DecimalBase64,
			Validator:  config.OneOfCaseInsensitive(DecimalBase64, DecimalNumeric),
			Importance: config.ImportanceLow, Group: "Serialization", Width: config.WidthMedium, DisplayName: "Decimal Format",
			Doc: "Controls which format this converter will serialize decimals in. This value is case insensitive " +
				"and can be either 'BASE64' (default) or 'NUMERIC'"}).
		Define(config.Key{Name: ReplaceNullWithDefaultConfig, Type: config.TypeBoolean, Default: true,
			Importance: config.ImportanceLow, Group: "Serialization", Width: config.WidthMedium,
			DisplayName: "Replace null with default",
			Doc: "Whether to replace fields that have a default value and that are null to the default value. " +
				"When set to true, the default value is used, otherwise null is used."})
}

// Plugin describes the converter for the plugin registry. JsonConverter is
// both a Converter and a HeaderConverter.
func Plugin() converters.Plugin {
	return converters.Plugin{
		Class:     Class,
		Aliases:   []string{"JsonConverter", "Json"},
		Version:   Version,
		Config:    ConfigDef,
		New:       func() converters.Converter { return New() },
		NewHeader: func() converters.HeaderConverter { return NewHeader() },
	}
}

// settings are the parsed configuration.
type settings struct {
	schemasEnable   bool
	cacheSize       int
	decimalNumeric  bool
	replaceNullWDef bool
	typ             string
}

func defaultSettings() settings {
	return settings{schemasEnable: true, cacheSize: DefaultCacheSize, replaceNullWDef: true}
}

// parseSettings parses props. Keys this converter does not define are
// ignored, as Kafka's converters ignore them (a shared
// "value.converter." prefix often carries settings for other converters).
func parseSettings(def *config.ConfigDef, props map[string]string) (*config.Values, error) {
	known := make(map[string]string, len(props))
	for k, v := range props {
		if _, ok := def.Key(k); ok {
			known[k] = v
		}
	}
	vals, err := def.Parse(known)
	if err != nil {
		return nil, fmt.Errorf("configure %s: %w", Class, err)
	}
	return vals, nil
}

func toSettings(v *config.Values) settings {
	return settings{
		schemasEnable:   v.Bool(SchemasEnableConfig),
		cacheSize:       v.Int(SchemasCacheSizeConfig),
		decimalNumeric:  strings.EqualFold(v.String(DecimalFormatConfig), DecimalNumeric),
		replaceNullWDef: v.Bool(ReplaceNullWithDefaultConfig),
		typ:             v.String(TypeConfig),
	}
}
