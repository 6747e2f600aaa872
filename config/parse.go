package config

import (
	"context"
	"sort"
	"strings"
)

// evaluation is the outcome of checking props against a definition: the
// value of every defined key (nil when missing, null or unparsable) and the
// error messages per key, unknown keys included.
type evaluation struct {
	values map[string]any
	errs   map[string][]string
	// unknown lists the rejected keys, sorted.
	unknown []string
}

// evaluate parses and validates props (already resolved). Keys in failed
// already carry an error (a resolution failure) and are not parsed.
func (d *ConfigDef) evaluate(props map[string]string, failed map[string][]string) evaluation {
	ev := evaluation{values: make(map[string]any, len(d.keys)), errs: make(map[string][]string)}
	for k, msgs := range failed {
		ev.errs[k] = append(ev.errs[k], msgs...)
	}
	for _, k := range d.keys {
		if _, bad := failed[k.Name]; bad {
			continue
		}
		var v any
		if raw, given := props[k.Name]; given {
			pv, err := parseValue(k.Type, raw)
			if err != nil {
				shown := raw
				if k.Type == TypePassword {
					shown = HiddenValue
				}
				ev.errs[k.Name] = append(ev.errs[k.Name], (&InvalidValueError{Key: k.Name, Value: shown, Reason: err.Error()}).Error())
				continue
			}
			v = pv
		} else if k.Required {
			ev.errs[k.Name] = append(ev.errs[k.Name], "Missing required configuration \""+k.Name+"\" which has no default value.")
			continue
		} else {
			v = k.Default
		}
		if v != nil && k.Validator != nil {
			if err := k.Validator.Validate(k.Name, v); err != nil {
				ev.errs[k.Name] = append(ev.errs[k.Name], err.Error())
			}
		}
		ev.values[k.Name] = v
	}
	ev.unknown = d.unknownKeys(props)
	for _, name := range ev.unknown {
		ev.errs[name] = append(ev.errs[name], d.unknownMessage(name))
	}
	d.scrub(props, ev.errs)
	return ev
}

// minScrubLen is the shortest secret scrub removes: shorter ones would
// mangle ordinary words in the messages.
const minScrubLen = 4

// scrub removes the values of password keys (and of undeclared keys whose
// name looks secret) from every message, wherever they occur: a custom
// validator may have quoted them. This is a second line of defence; the
// messages built here print passwords as [hidden] in the first place.
func (d *ConfigDef) scrub(props map[string]string, errs map[string][]string) {
	var secrets []string
	for k, v := range props {
		if !(d.IsPassword(k) || (!d.isDefined(k) && LooksSecret(k))) {
			continue
		}
		for _, s := range []string{v, strings.TrimSpace(v)} {
			if len(s) >= minScrubLen && s != HiddenValue {
				secrets = append(secrets, s)
			}
		}
	}
	if len(secrets) == 0 {
		return
	}
	// Longest first, so that a secret containing another is removed whole.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for k, msgs := range errs {
		for i, m := range msgs {
			for _, s := range secrets {
				m = strings.ReplaceAll(m, s, HiddenValue)
			}
			msgs[i] = m
		}
		errs[k] = msgs
	}
}

func (d *ConfigDef) isDefined(name string) bool {
	_, ok := d.index[name]
	return ok
}

// Parse converts props into typed values. It checks every key: parse errors,
// validator failures, missing required keys and unknown keys (neither
// defined nor under an allowed prefix) are all collected into one
// *ValidationError (errors.Is(err, ErrInvalidConfig)). Values are taken
// literally: use ParseWith to resolve config-provider references first.
func (d *ConfigDef) Parse(props map[string]string) (*Values, error) {
	return d.parse(props, props, nil)
}

// ParseWith resolves config-provider references in props with r, then
// parses the result like Parse. A reference that cannot be resolved is an
// error of the key that holds it. The returned Values' Originals are props
// as given (unresolved). ctx bounds the providers' work.
func (d *ConfigDef) ParseWith(ctx context.Context, r *Resolver, props map[string]string) (*Values, error) {
	resolved, failed := r.resolveEach(ctx, props)
	return d.parse(props, resolved, failed)
}

func (d *ConfigDef) parse(originals, resolved map[string]string, failed map[string][]string) (*Values, error) {
	ev := d.evaluate(resolved, failed)
	if len(ev.errs) > 0 {
		return nil, &ValidationError{Errors: ev.errs}
	}
	return &Values{
		def:       d,
		values:    ev.values,
		originals: copyMap(originals),
		resolved:  copyMap(resolved),
	}, nil
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
