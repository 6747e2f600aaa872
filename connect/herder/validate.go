package herder

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// invalidConfigTrailer ends Kafka's 400 message for an invalid config.
const invalidConfigTrailer = "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"

// checkConfig validates a connector config for create/update and turns
// any error into Kafka's 400 "Connector configuration is invalid" message.
func (h *Standalone) checkConfig(ctx context.Context, props map[string]string) error {
	infos, err := h.ValidateConfig(ctx, props)
	if err != nil {
		return err
	}
	if infos.ErrorCount == 0 {
		return nil
	}
	msgs := infos.Messages()
	return BadRequest("Connector configuration is invalid and contains the following %d error(s):\n%s\n%s",
		len(msgs), strings.Join(msgs, "\n"), invalidConfigTrailer)
}

// ValidateConfig implements Herder: the framework keys (common and source
// or sink) merged with the connector's own definition, sink topic rules,
// converter/transform/predicate classes, then the connector's Validate.
func (h *Standalone) ValidateConfig(ctx context.Context, props map[string]string) (config.ConfigInfos, error) {
	class := strings.TrimSpace(props[connect.KeyConnectorClass])
	if class == "" {
		return config.ConfigInfos{}, BadRequest("Connector config %s contains no connector type", formatProps(config.MaskPasswords(nil, props)))
	}
	p, err := h.plugins.LookupConnector(class)
	if err != nil {
		var amb *plugins.AmbiguousError
		if errors.As(err, &amb) {
			return config.ConfigInfos{}, Internal(err, "More than one connector matches alias %s. Please use full package and class name instead. Classes found: %s",
				class, strings.Join(amb.Classes, ", "))
		}
		return config.ConfigInfos{}, Internal(err, "Failed to find any class that implements Connector and which name matches %s, available connectors are: %s",
			class, strings.Join(h.connectorClasses(), ", "))
	}
	def, err := runtime.ConnectorConfigDef(p)
	if err != nil {
		return config.ConfigInfos{}, Internal(err, "%v", err)
	}
	var infos config.ConfigInfos
	if h.resolver != nil {
		infos = def.ValidateWith(ctx, h.resolver, class, props)
	} else {
		infos = def.Validate(class, props)
	}
	if p.Kind == plugins.KindSink {
		validateSinkTopics(&infos, props)
	}
	h.validateClasses(&infos, props)
	h.connectorValidate(ctx, &infos, p, props)
	return infos, nil
}

// validateSinkTopics applies Kafka's SinkConnectorConfig.validate rules.
func validateSinkTopics(infos *config.ConfigInfos, props map[string]string) {
	topics := strings.TrimSpace(props[connect.KeyTopics])
	regex := strings.TrimSpace(props[connect.KeyTopicsRegex])
	switch {
	case topics == "" && regex == "":
		msg := "Must configure one of topics or topics.regex"
		addError(infos, connect.KeyTopics, msg)
		addError(infos, connect.KeyTopicsRegex, msg)
	case topics != "" && regex != "":
		msg := "topics and topics.regex are mutually exclusive options, but both are set."
		addError(infos, connect.KeyTopics, msg)
		addError(infos, connect.KeyTopicsRegex, msg)
	}
	dlq := strings.TrimSpace(props[connect.KeyDLQTopicName])
	if dlq == "" {
		return
	}
	for _, t := range strings.Split(topics, ",") {
		if strings.TrimSpace(t) == dlq {
			addError(infos, connect.KeyDLQTopicName, fmt.Sprintf(
				"The DLQ topic '%s' may not be included in the list of topics ('%s=%s') consumed by the connector", dlq, connect.KeyTopics, topics))
		}
	}
	if regex != "" {
		if re, err := regexp.Compile("^(?:" + regex + ")$"); err == nil && re.MatchString(dlq) {
			addError(infos, connect.KeyDLQTopicName, fmt.Sprintf(
				"The DLQ topic '%s' may not be included in the regex matching the topics ('%s=%s') consumed by the connector", dlq, connect.KeyTopicsRegex, regex))
		}
	}
}

// validateClasses checks that converter, transformation and predicate
// classes name registered plugins.
func (h *Standalone) validateClasses(infos *config.ConfigInfos, props map[string]string) {
	for key, kind := range map[string]plugins.Kind{
		connect.KeyKeyConverter:    plugins.KindConverter,
		connect.KeyValueConverter:  plugins.KindConverter,
		connect.KeyHeaderConverter: plugins.KindHeaderConverter,
	} {
		if c := strings.TrimSpace(props[key]); c != "" {
			if _, err := h.plugins.Lookup(c, kind); err != nil {
				addError(infos, key, fmt.Sprintf("Invalid value %s for configuration %s: Class %s could not be found.", c, key, c))
			}
		}
	}
	predicates := aliasSet(props, connect.KeyPredicates)
	for _, list := range []struct {
		key, prefix, group string
		kind               plugins.Kind
	}{
		{connect.KeyTransforms, config.PrefixTransforms, "Transforms", plugins.KindTransformation},
		{connect.KeyPredicates, config.PrefixPredicates, "Predicates", plugins.KindPredicate},
	} {
		aliases := aliasSet(props, list.key)
		for _, alias := range aliases.order {
			prefix := list.prefix + alias + "."
			typeKey := prefix + "type"
			c := strings.TrimSpace(props[typeKey])
			if c == "" {
				addError(infos, typeKey, fmt.Sprintf("Missing required configuration \"%s\" which has no default value.", typeKey))
				continue
			}
			p, err := h.plugins.Lookup(c, list.kind)
			if err != nil {
				addError(infos, typeKey, fmt.Sprintf("Invalid value %s for configuration %s: Class %s could not be found.", c, typeKey, c))
				continue
			}
			if list.kind == plugins.KindTransformation {
				validatePredicateRef(infos, props, prefix, predicates)
			}
			validatePluginSettings(infos, props, prefix, list.group+": "+alias, p)
		}
	}
}

// aliases is an alias list in order, as a set too.
type aliases struct {
	order []string
	set   map[string]bool
}

// aliasSet parses a transforms/predicates alias list (a duplicate alias is
// already an error of the list key's own validator) into unique aliases.
func aliasSet(props map[string]string, key string) aliases {
	a := aliases{set: map[string]bool{}}
	for _, alias := range strings.Split(props[key], ",") {
		alias = strings.TrimSpace(alias)
		if alias == "" || a.set[alias] {
			continue
		}
		a.set[alias] = true
		a.order = append(a.order, alias)
	}
	return a
}

// validatePredicateRef checks transforms.<alias>.predicate and .negate.
func validatePredicateRef(infos *config.ConfigInfos, props map[string]string, prefix string, predicates aliases) {
	predKey, negKey := prefix+"predicate", prefix+"negate"
	pred := strings.TrimSpace(props[predKey])
	if pred != "" && !predicates.set[pred] {
		addError(infos, predKey, fmt.Sprintf("Invalid value %s for configuration %s: predicate %s is not defined in %s", pred, predKey, pred, connect.KeyPredicates))
	}
	if neg, ok := props[negKey]; ok {
		if v := strings.TrimSpace(neg); !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			addError(infos, negKey, fmt.Sprintf("Invalid value %s for configuration %s: Expected value to be either true or false", neg, negKey))
		} else if pred == "" {
			addError(infos, negKey, fmt.Sprintf("Invalid value %s for configuration %s: negate is set but no predicate is configured", neg, negKey))
		}
	}
}

// validatePluginSettings validates a transformation's or predicate's own
// settings (the keys under prefix, less type/predicate/negate) against its
// ConfigDef and adds the results, prefixed and grouped as Kafka Connect's
// enriched ConnectorConfig shows them ("Transforms: <alias>").
func validatePluginSettings(infos *config.ConfigInfos, props map[string]string, prefix, group string, p plugins.Plugin) {
	sub := map[string]string{}
	for k, v := range props {
		if rest, ok := strings.CutPrefix(k, prefix); ok && rest != "type" && rest != "predicate" && rest != "negate" {
			sub[rest] = v
		}
	}
	res := p.ConfigDef().Validate(p.Class, sub)
	res.Groups = []string{group}
	for i := range res.Configs {
		g := group
		res.Configs[i].Definition.Group = &g
		// Messages name the key as the user wrote it, with its prefix.
		name := res.Configs[i].Value.Name
		for j, msg := range res.Configs[i].Value.Errors {
			msg = strings.ReplaceAll(msg, "configuration "+name, "configuration "+prefix+name)
			res.Configs[i].Value.Errors[j] = strings.ReplaceAll(msg, `"`+name+`"`, `"`+prefix+name+`"`)
		}
	}
	infos.AddPrefixed(prefix, res)
}

// connectorValidate runs the connector's own Validate with references
// resolved; its per-key errors join the keys' entries, another error goes
// to connector.class.
func (h *Standalone) connectorValidate(ctx context.Context, infos *config.ConfigInfos, p plugins.Plugin, props map[string]string) {
	resolved := props
	if h.resolver != nil {
		r, err := h.resolver.Resolve(ctx, props)
		if err != nil {
			return // reported per key already
		}
		resolved = r
	}
	c, err := p.NewConnector()
	if err != nil {
		addError(infos, connect.KeyConnectorClass, err.Error())
		return
	}
	err = func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("connector validation panicked: %v", r)
			}
		}()
		return c.Validate(ctx, resolved)
	}()
	if err == nil {
		return
	}
	var ve *config.ValidationError
	if errors.As(err, &ve) {
		for _, k := range ve.Keys() {
			for _, m := range ve.Errors[k] {
				addError(infos, k, m)
			}
		}
		return
	}
	addError(infos, connect.KeyConnectorClass, err.Error())
}

// addError adds msg to key's entry (a new entry when the key has none) and
// counts it.
func addError(infos *config.ConfigInfos, key, msg string) {
	infos.ErrorCount++
	for i := range infos.Configs {
		if infos.Configs[i].Value.Name == key {
			infos.Configs[i].Value.Errors = append(infos.Configs[i].Value.Errors, msg)
			return
		}
	}
	infos.Configs = append(infos.Configs, config.ConfigInfo{
		Definition: config.ConfigKeyInfo{Name: key, Type: string(config.TypeString), Importance: string(config.ImportanceLow),
			Order: -1, Width: string(config.WidthNone), DisplayName: key, Dependents: []string{}},
		Value: config.ConfigValueInfo{Name: key, RecommendedValues: []string{}, Errors: []string{msg}, Visible: true},
	})
}

// connectorClasses lists the registered connector classes, sorted.
func (h *Standalone) connectorClasses() []string {
	var out []string
	for _, p := range h.plugins.List(plugins.KindSource, plugins.KindSink) {
		out = append(out, p.Class)
	}
	sort.Strings(out)
	return out
}

// formatProps prints a config map like Java's Map.toString, keys sorted.
func formatProps(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortStrings(s []string) { sort.Strings(s) }
