package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/onecconnect/onecconnect/config"
)

// logFailure is Kafka Connect's LogReporter: with errors.log.enable every
// failure is logged at ERROR with the stage, the executing class and the
// record's coordinates; errors.log.include.messages adds the record's key,
// value and headers (record contents are logged only then). Without
// errors.log.enable a tolerated failure is logged at DEBUG only. Error
// texts pass through the redactor, so that no password-type configuration
// value reaches the log.
func (h *errorHandler) logFailure(f *failure, tolerated bool) {
	if !h.policy.logEnable && !h.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	attrs := []any{"stage", f.stage, "class", f.class, "exception", ExceptionClass(f.err),
		"err", h.redact.apply(f.err.Error()), "tolerated", tolerated}
	switch {
	case f.consumed != nil:
		m := f.consumed
		attrs = append(attrs, "topic", m.Topic, "partition", m.Partition, "offset", m.Offset)
		if h.policy.logMessages {
			attrs = append(attrs, "key", string(m.Key), "value", string(m.Value))
			if len(m.Headers) > 0 {
				hs := make([]string, 0, len(m.Headers))
				for _, x := range m.Headers {
					if x != nil {
						hs = append(hs, string(x.Key)+"="+string(x.Value))
					}
				}
				attrs = append(attrs, "headers", hs)
			}
		}
	case f.source != nil:
		r := f.source
		attrs = append(attrs, "topic", r.Topic, "source_partition", jsonText(r.SourcePartition), "source_offset", jsonText(r.SourceOffset))
		if h.policy.logMessages {
			attrs = append(attrs, "key", fmt.Sprint(r.Key), "value", fmt.Sprint(r.Value))
			if len(r.Headers) > 0 {
				hs := make([]string, 0, len(r.Headers))
				for _, x := range r.Headers {
					hs = append(hs, x.Key+"="+fmt.Sprint(x.Value))
				}
				attrs = append(attrs, "headers", hs)
			}
		}
	}
	msg := fmt.Sprintf("Error encountered in task %s. Executing stage '%s' with class '%s'", h.id, f.stage, f.class)
	switch {
	case h.policy.logEnable:
		h.log.Error(msg, attrs...)
	case tolerated:
		h.log.Debug(msg, attrs...)
	}
}

// redactor replaces secret configuration values in error texts with
// config.HiddenValue. Error messages come from connector, converter and
// client code and may quote a configuration value (a connection string
// with its password, say); record contents are not redacted (they are
// logged only under errors.log.include.messages).
type redactor struct {
	secrets []string // longest first, so that a secret containing another is replaced whole
}

// minSecretLen is the shortest value treated as a secret: replacing one or
// two characters everywhere would make every message unreadable while
// protecting nothing a reader could not guess.
const minSecretLen = 3

// newRedactor collects the secret values of each (definition, properties)
// pair: PASSWORD keys of the definition, undefined keys whose name looks
// secret (config.LooksSecret), and the password inside a sasl.jaas.config
// line. defs[i] may be nil (names alone decide).
func newRedactor(defs []*config.ConfigDef, props []map[string]string) *redactor {
	seen := map[string]bool{}
	r := &redactor{}
	add := func(v string) {
		if len(v) >= minSecretLen && !seen[v] && v != config.HiddenValue {
			seen[v] = true
			r.secrets = append(r.secrets, v)
		}
	}
	for i, p := range props {
		var def *config.ConfigDef
		if i < len(defs) {
			def = defs[i]
		}
		masked := config.MaskPasswords(def, p)
		for k, v := range p {
			if masked[k] != config.HiddenValue {
				continue
			}
			add(v)
			if strings.HasSuffix(k, KeySASLJAASConfig) {
				if _, pw, err := ParseJAASConfig(v); err == nil {
					add(pw)
				}
			}
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// apply returns s with every secret replaced.
func (r *redactor) apply(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, config.HiddenValue)
		}
	}
	return s
}

// taskRedactor builds the redactor of a task from the worker's and the
// connector's resolved configurations and the task's own properties.
func taskRedactor(wc *WorkerConfig, conn *config.Values, taskProps map[string]string) *redactor {
	defs := []*config.ConfigDef{WorkerConfigDef(), nil, nil}
	props := []map[string]string{wc.resolved(), nil, taskProps}
	if conn != nil {
		defs[1], props[1] = conn.Def(), conn.WithPrefix("")
	}
	return newRedactor(defs, props)
}

// jsonText renders a source partition or offset for logs.
func jsonText(m map[string]any) string {
	if m == nil {
		return ""
	}
	b, err := marshalJSON(m)
	if err != nil {
		return fmt.Sprint(m)
	}
	return string(b)
}
