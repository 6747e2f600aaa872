package stringconv

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters"
)

// Class is the Kafka Connect class name of this converter.
const Class = "org.apache.kafka.connect.storage.StringConverter"

// Version is the implementation version reported by the plugin descriptor.
const Version = "1.0.0"

// Configuration keys (StringConverterConfig, ConverterConfig).
const (
	EncodingConfig = "converter.encoding"
	TypeConfig     = "converter.type"
)

// DefaultEncoding is the default of converter.encoding.
const DefaultEncoding = "UTF-8"

// ConfigDef returns the converter's settings.
func ConfigDef() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: TypeConfig, Type: config.TypeString,
			Validator: config.OneOf("key", "value", "header"), Importance: config.ImportanceLow,
			Doc: "How this converter will be used."}).
		Define(config.Key{Name: EncodingConfig, Type: config.TypeString, Default: DefaultEncoding,
			Importance: config.ImportanceHigh, Width: config.WidthMedium, DisplayName: "Encoding",
			Doc: "The name of the Java character set to use for encoding strings as byte arrays."})
}

// Plugin describes the converter for the plugin registry.
func Plugin() converters.Plugin {
	return converters.Plugin{
		Class:     Class,
		Aliases:   []string{"StringConverter", "String"},
		Version:   Version,
		Config:    ConfigDef,
		New:       func() converters.Converter { return New() },
		NewHeader: func() converters.HeaderConverter { return NewHeader() },
	}
}

// javaAliases maps Java charset names that are not IANA names.
var javaAliases = map[string]string{
	"UTF8": "UTF-8", "CP1251": "windows-1251", "CP1252": "windows-1252", "CP866": "IBM866",
	"UTF-16": "UTF-16BE", // Java writes UTF-16 big-endian (with a BOM, which we do not write)
}

// lookupEncoding resolves a Java charset name. nil means UTF-8 (no
// transcoding).
func lookupEncoding(name string) (encoding.Encoding, error) {
	n := strings.TrimSpace(name)
	if a, ok := javaAliases[strings.ToUpper(n)]; ok {
		n = a
	}
	if strings.EqualFold(n, "UTF-8") {
		return nil, nil
	}
	if strings.EqualFold(n, "UTF-16BE") {
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), nil
	}
	if strings.EqualFold(n, "UTF-16LE") {
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), nil
	}
	e, err := ianaindex.IANA.Encoding(n)
	if err != nil || e == nil {
		return nil, fmt.Errorf("unsupported %s %q", EncodingConfig, name)
	}
	return e, nil
}

func parse(props map[string]string) (encoding.Encoding, error) {
	def := ConfigDef()
	known := map[string]string{}
	for k, v := range props {
		if _, ok := def.Key(k); ok {
			known[k] = v
		}
	}
	vals, err := def.Parse(known)
	if err != nil {
		return nil, fmt.Errorf("configure %s: %w", Class, err)
	}
	e, err := lookupEncoding(vals.String(EncodingConfig))
	if err != nil {
		return nil, fmt.Errorf("configure %s: %w", Class, err)
	}
	return e, nil
}
