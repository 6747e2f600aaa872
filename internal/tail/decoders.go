package tail

import (
	"fmt"
	"maps"

	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/converters"
)

// Settings the flags add to a converter's configuration.
const (
	avroRegistryURL   = "schema.registry.url"
	jsonSchemasEnable = "schemas.enable"
)

// decoders are the configured key and value converters.
type decoders struct {
	key, value converters.Converter
}

// converterChoice is one role's converter before configuration.
type converterChoice struct {
	class    string // canonical class
	settings map[string]string
}

// newDecoders picks and configures the key and value converters:
//
//	value: --converter, else the worker's value.converter (json by default)
//	key:   --key-converter, else --converter, else the worker's key.converter
//
// A converter takes the worker's <role>.converter.* settings when it is the
// class the worker names for that role; --schema-registry and
// --schemas-enable are laid over them. Errors are configuration errors.
func newDecoders(o *options, wc *runtime.WorkerConfig, reg *plugins.Registry) (*decoders, error) {
	valueClass := o.valueConverter
	if valueClass == "" {
		valueClass = wc.ValueConverter
	}
	keyClass := o.keyConverter
	if keyClass == "" {
		keyClass = o.valueConverter
	}
	if keyClass == "" {
		keyClass = wc.KeyConverter
	}
	val, err := choose(reg, valueClass, wc.ValueConverter, wc.Values.WithPrefix(runtime.KeyValueConverter+"."))
	if err != nil {
		return nil, fmt.Errorf("value converter: %w", err)
	}
	key, err := choose(reg, keyClass, wc.KeyConverter, wc.Values.WithPrefix(runtime.KeyKeyConverter+"."))
	if err != nil {
		return nil, fmt.Errorf("key converter: %w", err)
	}
	var usedRegistry, usedSchemas bool
	for _, c := range []*converterChoice{val, key} {
		switch c.class {
		case shortConverters[convAvro]:
			if o.schemaRegistry != "" {
				c.settings[avroRegistryURL] = o.schemaRegistry
				usedRegistry = true
			}
			if c.settings[avroRegistryURL] == "" {
				return nil, fmt.Errorf("the avro converter needs --schema-registry URL (or %s.%s in the worker config)", runtime.KeyValueConverter, avroRegistryURL)
			}
		case shortConverters[convJSON]:
			if o.schemasEnable != "" {
				c.settings[jsonSchemasEnable] = o.schemasEnable
				usedSchemas = true
			}
		}
	}
	if o.schemaRegistry != "" && !usedRegistry {
		return nil, fmt.Errorf("--schema-registry is only used by the avro converter")
	}
	if o.schemasEnable != "" && !usedSchemas {
		return nil, fmt.Errorf("--schemas-enable is only used by the json converter")
	}
	d := &decoders{}
	if d.value, err = configure(reg, val, false); err != nil {
		return nil, fmt.Errorf("value converter %s: %w", val.class, err)
	}
	if d.key, err = configure(reg, key, true); err != nil {
		return nil, fmt.Errorf("key converter %s: %w", key.class, err)
	}
	return d, nil
}

// choose resolves class in reg; it keeps the worker's settings when the
// worker's class for the role is the same plugin.
func choose(reg *plugins.Registry, class, workerClass string, workerSettings map[string]string) (*converterChoice, error) {
	p, err := reg.Lookup(class, plugins.KindConverter)
	if err != nil {
		return nil, fmt.Errorf("%q: %w (try json, avro, string or bytes)", class, err)
	}
	c := &converterChoice{class: p.Class, settings: map[string]string{}}
	if wp, err := reg.Lookup(workerClass, plugins.KindConverter); err == nil && wp.Class == p.Class {
		maps.Copy(c.settings, workerSettings)
	}
	return c, nil
}

func configure(reg *plugins.Registry, c *converterChoice, isKey bool) (converters.Converter, error) {
	p, err := reg.Lookup(c.class, plugins.KindConverter)
	if err != nil {
		return nil, err
	}
	conv := p.NewConverter()
	if err := conv.Configure(c.settings, isKey); err != nil {
		return nil, err
	}
	return conv, nil
}
