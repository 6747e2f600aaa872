package runtime

import (
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/schema"
)

// converterSet is a task's key, value and header converters.
type converterSet struct {
	key, value           converters.Converter
	header               converters.HeaderConverter
	keyClass, valueClass string
	headerClass          string
	// valueAppend is value when it can serialise into a caller's buffer
	// (JsonConverter): the source loop then reuses pooled buffers.
	valueAppend appender
}

// appender is implemented by converters that serialise into a caller's
// buffer; for a value other than (nil schema, nil value) it writes what
// FromConnect returns. Its errors are not the converter's final ones: on
// error the caller calls FromConnect for the proper *converters.DataError.
type appender interface {
	AppendConnect(dst []byte, s *schema.Schema, v any) ([]byte, error)
}

// newConverters builds the converters of a connector: the connector's
// key.converter / value.converter / header.converter with its own prefixed
// settings when set, else the worker's class with the worker's settings.
func (w *Worker) newConverters(conn *config.Values) (*converterSet, error) {
	pick := func(key string) (class string, settings map[string]string) {
		if c := strings.TrimSpace(conn.String(key)); c != "" {
			return c, conn.WithPrefix(key + ".")
		}
		var wclass string
		switch key {
		case connect.KeyKeyConverter:
			wclass = w.cfg.KeyConverter
		case connect.KeyValueConverter:
			wclass = w.cfg.ValueConverter
		default:
			wclass = w.cfg.HeaderConverter
		}
		return wclass, w.cfg.Values.WithPrefix(key + ".")
	}
	cs := &converterSet{}
	for _, which := range []struct {
		key   string
		isKey bool
		out   *converters.Converter
		class *string
	}{{connect.KeyKeyConverter, true, &cs.key, &cs.keyClass}, {connect.KeyValueConverter, false, &cs.value, &cs.valueClass}} {
		class, settings := pick(which.key)
		p, err := w.plugins.Lookup(class, plugins.KindConverter)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", which.key, class, err)
		}
		c := p.NewConverter()
		if err := c.Configure(settings, which.isKey); err != nil {
			return nil, fmt.Errorf("configure %s %s: %w", which.key, class, err)
		}
		*which.out, *which.class = c, p.Class
	}
	class, settings := pick(connect.KeyHeaderConverter)
	p, err := w.plugins.Lookup(class, plugins.KindHeaderConverter)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", connect.KeyHeaderConverter, class, err)
	}
	hc := p.NewHeaderConverter()
	if err := hc.Configure(settings); err != nil {
		return nil, fmt.Errorf("configure %s %s: %w", connect.KeyHeaderConverter, class, err)
	}
	cs.header, cs.headerClass = hc, p.Class
	cs.valueAppend, _ = cs.value.(appender)
	return cs, nil
}

// transformStep is one configured transformation with its optional
// predicate.
type transformStep struct {
	alias     string
	class     string
	t         connect.Transformation
	predicate connect.Predicate
	negate    bool
}

// transformChain applies a connector's transformations in order. A task
// owns its chain; it is used from one goroutine.
type transformChain struct {
	steps      []transformStep
	predicates []connect.Predicate
}

// newTransformChain builds the chain from transforms / predicates keys.
func (w *Worker) newTransformChain(conn *config.Values) (chain *transformChain, err error) {
	chain = &transformChain{}
	defer func() {
		if err != nil {
			chain.close()
			chain = nil
		}
	}()
	preds := map[string]connect.Predicate{}
	for _, alias := range conn.List(connect.KeyPredicates) {
		prefix := connect.KeyPredicates + "." + alias + "."
		settings := conn.WithPrefix(prefix)
		class := strings.TrimSpace(settings["type"])
		if class == "" {
			return chain, fmt.Errorf("predicate %s: missing %stype", alias, prefix)
		}
		p, err := w.plugins.Lookup(class, plugins.KindPredicate)
		if err != nil {
			return chain, fmt.Errorf("predicate %s: %w", alias, err)
		}
		pr := p.NewPredicate()
		delete(settings, "type")
		if err := pr.Configure(settings); err != nil {
			return chain, fmt.Errorf("configure predicate %s (%s): %w", alias, p.Class, err)
		}
		preds[alias] = pr
		chain.predicates = append(chain.predicates, pr)
	}
	for _, alias := range conn.List(connect.KeyTransforms) {
		prefix := connect.KeyTransforms + "." + alias + "."
		settings := conn.WithPrefix(prefix)
		class := strings.TrimSpace(settings["type"])
		if class == "" {
			return chain, fmt.Errorf("transform %s: missing %stype", alias, prefix)
		}
		p, err := w.plugins.Lookup(class, plugins.KindTransformation)
		if err != nil {
			return chain, fmt.Errorf("transform %s: %w", alias, err)
		}
		step := transformStep{alias: alias, class: p.Class, t: p.NewTransformation()}
		if pa := strings.TrimSpace(settings["predicate"]); pa != "" {
			pr, ok := preds[pa]
			if !ok {
				return chain, fmt.Errorf("transform %s: predicate %q is not defined in %s", alias, pa, connect.KeyPredicates)
			}
			step.predicate = pr
			step.negate = strings.EqualFold(strings.TrimSpace(settings["negate"]), "true")
		}
		for _, k := range []string{"type", "predicate", "negate"} {
			delete(settings, k)
		}
		if err := step.t.Configure(settings); err != nil {
			return chain, fmt.Errorf("configure transform %s (%s): %w", alias, p.Class, err)
		}
		chain.steps = append(chain.steps, step)
	}
	return chain, nil
}

// apply runs rec through the chain. A nil result means dropped. On error it
// returns the failing step's class.
func (c *transformChain) apply(rec *connect.Record) (out *connect.Record, class string, err error) {
	for i := range c.steps {
		s := &c.steps[i]
		if s.predicate != nil && s.predicate.Test(rec) == s.negate {
			continue
		}
		if rec, err = s.t.Apply(rec); err != nil {
			return nil, s.class, err
		}
		if rec == nil {
			return nil, "", nil
		}
	}
	return rec, "", nil
}

func (c *transformChain) empty() bool { return c == nil || len(c.steps) == 0 }

func (c *transformChain) close() {
	if c == nil {
		return
	}
	for _, s := range c.steps {
		s.t.Close()
	}
	for _, p := range c.predicates {
		p.Close()
	}
}
