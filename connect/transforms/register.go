package transforms

import (
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Version is the version reported for the transforms and predicates here.
const Version = "1.0.0"

// TopicTransliterateClass is the class name of the topic transliteration router.
const TopicTransliterateClass = "TopicTransliterate"

const (
	kafkaPkg     = "org.apache.kafka.connect.transforms."
	predicatePkg = "org.apache.kafka.connect.transforms.predicates."
)

func init() { registerAll(plugins.Default) }

// registerAll adds every transform and predicate of this package to r.
func registerAll(r *plugins.Registry) {
	kv := func(name string, cfg func() *config.ConfigDef, mk func(part) connect.Transformation) {
		for _, v := range []struct {
			suffix string
			p      part
		}{{"$Key", keyPart}, {"$Value", valuePart}} {
			p := v.p
			r.Register(plugins.Plugin{
				Class: kafkaPkg + name + v.suffix, Aliases: []string{name + v.suffix},
				Kind: plugins.KindTransformation, Version: Version, Config: cfg,
				NewTransformation: func() connect.Transformation { return mk(p) },
			})
		}
	}
	one := func(class string, aliases []string, cfg func() *config.ConfigDef, mk func() connect.Transformation) {
		r.Register(plugins.Plugin{Class: class, Aliases: aliases, Kind: plugins.KindTransformation,
			Version: Version, Config: cfg, NewTransformation: mk})
	}
	pred := func(name string, cfg func() *config.ConfigDef, mk func() connect.Predicate) {
		r.Register(plugins.Plugin{Class: predicatePkg + name, Aliases: []string{name},
			Kind: plugins.KindPredicate, Version: Version, Config: cfg, NewPredicate: mk})
	}

	kv("Cast", castConfig, func(p part) connect.Transformation { return &Cast{part: p} })
	kv("ExtractField", extractFieldConfig, func(p part) connect.Transformation { return &ExtractField{part: p} })
	kv("Flatten", flattenConfig, func(p part) connect.Transformation { return &Flatten{part: p} })
	kv("HeaderFrom", headerFromConfig, func(p part) connect.Transformation { return &HeaderFrom{part: p} })
	kv("HoistField", hoistFieldConfig, func(p part) connect.Transformation { return &HoistField{part: p} })
	kv("InsertField", insertFieldConfig, func(p part) connect.Transformation { return &InsertField{part: p} })
	kv("MaskField", maskFieldConfig, func(p part) connect.Transformation { return &MaskField{part: p} })
	kv("ReplaceField", replaceFieldConfig, func(p part) connect.Transformation { return &ReplaceField{part: p} })
	kv("SetSchemaMetadata", setSchemaMetadataConfig, func(p part) connect.Transformation { return &SetSchemaMetadata{part: p} })
	kv("TimestampConverter", timestampConverterConfig, func(p part) connect.Transformation { return &TimestampConverter{part: p} })

	one(kafkaPkg+"DropHeaders", []string{"DropHeaders"}, dropHeadersConfig, func() connect.Transformation { return &DropHeaders{} })
	one(kafkaPkg+"Filter", []string{"Filter"}, emptyConfig, func() connect.Transformation { return &Filter{} })
	one(kafkaPkg+"InsertHeader", []string{"InsertHeader"}, insertHeaderConfig, func() connect.Transformation { return &InsertHeader{} })
	one(kafkaPkg+"RegexRouter", []string{"RegexRouter"}, regexRouterConfig, func() connect.Transformation { return &RegexRouter{} })
	one(kafkaPkg+"TimestampRouter", []string{"TimestampRouter"}, timestampRouterConfig, func() connect.Transformation { return &TimestampRouter{} })
	one(kafkaPkg+"ValueToKey", []string{"ValueToKey"}, valueToKeyConfig, func() connect.Transformation { return &ValueToKey{} })

	one(TopicTransliterateClass, []string{"org.onecconnect.transforms.TopicTransliterate"}, topicTransliterateConfig,
		func() connect.Transformation { return &TopicTransliterate{} })

	pred("TopicNameMatches", topicNameMatchesConfig, func() connect.Predicate { return &TopicNameMatches{} })
	pred("HasHeaderKey", hasHeaderKeyConfig, func() connect.Predicate { return &HasHeaderKey{} })
	pred("RecordIsTombstone", emptyConfig, func() connect.Predicate { return &RecordIsTombstone{} })
}

func emptyConfig() *config.ConfigDef { return config.NewConfigDef() }

// keyReplaceNull is the replace.null.with.default key most transforms share.
const keyReplaceNull = "replace.null.with.default"

func replaceNullKey() config.Key {
	return config.Key{Name: keyReplaceNull, Type: config.TypeBoolean, Default: true, Importance: config.ImportanceMedium,
		Doc: "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used."}
}

// noClose is embedded by transforms that hold no resources.
type noClose struct{}

// Close does nothing.
func (noClose) Close() error { return nil }
