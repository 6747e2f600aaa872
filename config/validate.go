package config

import (
	"context"
	"sort"
)

// Validate checks props against the definition and reports the result in
// Kafka Connect's ConfigInfos shape; it never fails, errors are inside.
// name becomes ConfigInfos.Name (Kafka puts the connector class there).
//
// Every defined key gets an entry, in definition order, with its
// definition, its value (the given value, or the default; "[hidden]" for a
// password that is set; the raw given text when it does not parse) and its
// errors. Then each unknown key (neither defined nor under an allowed
// prefix), sorted, gets an entry of its own: definition {name, type STRING,
// required false, default null, importance LOW, group null, order -1, width
// NONE}, value null (an unknown key may be a misspelt password, so its value
// is never shown) and the error "Unknown configuration \"k\"." (with a
// "did you mean" suggestion when a defined key is close). Pass-through keys
// get no entry. ErrorCount is the total number of messages.
func (d *ConfigDef) Validate(name string, props map[string]string) ConfigInfos {
	ev := d.evaluate(props, nil)
	return d.configInfos(name, props, ev)
}

// ValidateWith resolves config-provider references with r before
// validating, like ParseWith. A reference that cannot be resolved is an
// error of its key. The values shown are the given (unresolved) ones, so a
// resolved secret never appears even in a non-password key.
func (d *ConfigDef) ValidateWith(ctx context.Context, r *Resolver, name string, props map[string]string) ConfigInfos {
	resolved, failed := r.resolveEach(ctx, props)
	ev := d.evaluate(resolved, failed)
	return d.configInfos(name, props, ev)
}

// KeyInfos describes every key in definition order, as GET
// /connector-plugins/{plugin}/config returns them.
func (d *ConfigDef) KeyInfos() []ConfigKeyInfo {
	out := make([]ConfigKeyInfo, len(d.keys))
	for i, k := range d.keys {
		out[i] = keyInfo(k)
	}
	return out
}

func keyInfo(k Key) ConfigKeyInfo {
	ki := ConfigKeyInfo{
		Name:          k.Name,
		Type:          string(k.Type),
		Required:      k.Required,
		Importance:    string(k.Importance),
		Documentation: k.Doc,
		Order:         k.OrderInGroup,
		Width:         string(k.Width),
		DisplayName:   k.DisplayName,
		Dependents:    append([]string{}, k.Dependents...),
	}
	if s, ok := k.DefaultString(); ok {
		ki.DefaultValue = &s
	}
	if k.Group != "" {
		g := k.Group
		ki.Group = &g
	}
	return ki
}

func (d *ConfigDef) configInfos(name string, given map[string]string, ev evaluation) ConfigInfos {
	out := ConfigInfos{
		Name:    name,
		Groups:  append([]string{}, d.groups...),
		Configs: make([]ConfigInfo, 0, len(d.keys)+len(ev.unknown)),
	}
	for _, k := range d.keys {
		vi := ConfigValueInfo{
			Name:              k.Name,
			RecommendedValues: []string{},
			Errors:            append([]string{}, ev.errs[k.Name]...),
			Visible:           true,
		}
		if r, ok := k.Validator.(Recommender); ok {
			if rv := r.RecommendedValues(); rv != nil {
				vi.RecommendedValues = rv
			}
		}
		raw, isGiven := given[k.Name]
		switch {
		case k.Type == TypePassword:
			if isGiven || ev.values[k.Name] != nil {
				h := HiddenValue
				vi.Value = &h
			}
		case isGiven && (len(vi.Errors) > 0 || len(References(raw)) > 0):
			// Unparsable or unresolved text: show it as given.
			s := raw
			vi.Value = &s
		default:
			if s, ok := formatValue(ev.values[k.Name]); ok {
				vi.Value = &s
			}
		}
		out.ErrorCount += len(vi.Errors)
		out.Configs = append(out.Configs, ConfigInfo{Definition: keyInfo(k), Value: vi})
	}
	// Unknown keys, then resolution failures of pass-through keys (which
	// have no entry of their own), sorted by name.
	var extra []string
	for k := range ev.errs {
		if !d.isDefined(k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		msgs := append([]string{}, ev.errs[k]...)
		out.ErrorCount += len(msgs)
		out.Configs = append(out.Configs, ConfigInfo{
			Definition: ConfigKeyInfo{
				Name: k, Type: string(TypeString), Importance: string(ImportanceLow),
				Order: -1, Width: string(WidthNone), DisplayName: k, Dependents: []string{},
			},
			Value: ConfigValueInfo{Name: k, RecommendedValues: []string{}, Errors: msgs, Visible: true},
		})
	}
	return out
}
