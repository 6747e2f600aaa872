package transforms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

const (
	keyRegex           = "regex"
	keyTopicFormat     = "topic.format"
	keyTimestampFormat = "timestamp.format"
)

func regexRouterConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyRegex, Type: config.TypeString, Required: true, Validator: config.ValidRegex(),
			Importance: config.ImportanceHigh, Doc: "Regular expression to use for matching."}).
		Define(config.Key{Name: keyReplacement, Type: config.TypeString, Required: true,
			Importance: config.ImportanceHigh, Doc: "Replacement string."})
}

// RegexRouter renames the topic when the whole name matches regex (Kafka's
// RegexRouter). The replacement uses Java's syntax: $1, ${name}, \$.
type RegexRouter struct {
	noClose
	re       *regexp.Regexp
	template string
}

// Config describes the settings.
func (*RegexRouter) Config() *config.ConfigDef { return regexRouterConfig() }

// Configure compiles the regex and the replacement.
func (rr *RegexRouter) Configure(props map[string]string) error {
	v, err := regexRouterConfig().Parse(props)
	if err != nil {
		return err
	}
	re, err := regexp.Compile(`^(?:` + v.String(keyRegex) + `)$`)
	if err != nil {
		return fmt.Errorf("invalid value for configuration %s: %w", keyRegex, err)
	}
	tmpl, err := javaReplacement(v.String(keyReplacement), re.NumSubexp())
	if err != nil {
		return fmt.Errorf("invalid value for configuration %s: %w", keyReplacement, err)
	}
	rr.re, rr.template = re, tmpl
	return nil
}

// Apply renames the topic of a matching record.
func (rr *RegexRouter) Apply(r *connect.Record) (*connect.Record, error) {
	m := rr.re.FindStringSubmatchIndex(r.Topic)
	if m == nil {
		return r, nil
	}
	r.Topic = string(rr.re.ExpandString(nil, rr.template, r.Topic, m))
	return r, nil
}

func timestampRouterConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyTopicFormat, Type: config.TypeString, Default: "${topic}-${timestamp}",
			Importance: config.ImportanceHigh,
			Doc:        "Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively."}).
		Define(config.Key{Name: keyTimestampFormat, Type: config.TypeString, Default: "yyyyMMdd",
			Importance: config.ImportanceHigh,
			Doc:        "Format string for the timestamp that is compatible with java.text.SimpleDateFormat (UTC)."})
}

// TimestampRouter renames the topic from its name and the record
// timestamp (Kafka's TimestampRouter), formatting the time in UTC.
type TimestampRouter struct {
	noClose
	format string
	layout string
}

// Config describes the settings.
func (*TimestampRouter) Config() *config.ConfigDef { return timestampRouterConfig() }

// Configure reads the formats.
func (tr *TimestampRouter) Configure(props map[string]string) error {
	v, err := timestampRouterConfig().Parse(props)
	if err != nil {
		return err
	}
	layout, err := javaDateLayout(v.String(keyTimestampFormat))
	if err != nil {
		return fmt.Errorf("invalid value for configuration %s: %w", keyTimestampFormat, err)
	}
	tr.format, tr.layout = v.String(keyTopicFormat), layout
	return nil
}

// Apply renames the topic; a record without a timestamp is an error.
func (tr *TimestampRouter) Apply(r *connect.Record) (*connect.Record, error) {
	if r.Timestamp.IsZero() {
		return nil, fmt.Errorf("TimestampRouter: timestamp missing on record of topic %s", r.Topic)
	}
	ts := r.Timestamp.UTC().Format(tr.layout)
	r.Topic = strings.ReplaceAll(strings.ReplaceAll(tr.format, "${topic}", r.Topic), "${timestamp}", ts)
	return r, nil
}

// compileWhole compiles a pattern that must match a whole string.
func compileWhole(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression %q: %w", pattern, err)
	}
	return re, nil
}
