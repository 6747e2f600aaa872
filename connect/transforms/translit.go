package transforms

import (
	"fmt"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema/translit"
)

const (
	keyMappings    = "mappings"
	keyCase        = "case"
	keyOnCollision = "on.collision"
)

func topicTransliterateConfig() *config.ConfigDef {
	return config.NewConfigDef().
		Define(config.Key{Name: keyMappings, Type: config.TypeList, Default: "", Importance: config.ImportanceMedium,
			Doc: "Explicit topic names that win over transliteration, as source:target pairs, e.g. " +
				"`Справочник.Номенклатура:catalog.items`. Targets must be legal Kafka topic names."}).
		Define(config.Key{Name: keyCase, Type: config.TypeString, Default: "keep", Validator: config.OneOf("keep", "lower"),
			Importance: config.ImportanceLow, Doc: "`keep` keeps the letter case of the transliteration; `lower` lower-cases the result."}).
		Define(config.Key{Name: keyOnCollision, Type: config.TypeString, Default: "fail", Validator: config.OneOf("fail", "hash"),
			Importance: config.ImportanceMedium,
			Doc: "What to do when two different source topics would get the same name. `fail`: the record fails with an error naming " +
				"both (add a mapping to resolve it). `hash`: every name that transliteration changed gets the suffix `_` plus 8 hex " +
				"digits of the FNV-1a hash of the source name, so distinct sources never share a topic."})
}

// TopicTransliterate renames topics that Kafka cannot hold, such as
// «Справочник.Номенклатура», to legal names ([a-zA-Z0-9._-], at most 249
// bytes) by the transliteration table of package schema/translit
// («Справочник.Номенклатура» → «Spravochnik.Nomenklatura»). Legal names are
// left alone. It is deterministic, and it never silently merges two source
// topics: see on.collision.
type TopicTransliterate struct {
	noClose
	mappings map[string]string
	lower    bool
	hash     bool

	mu    sync.Mutex
	seen  map[string]string // output → source, for on.collision=fail
	names map[string]string // source → output, a bounded memo
}

const maxTranslitMemo = 10_000

// Config describes the settings.
func (*TopicTransliterate) Config() *config.ConfigDef { return topicTransliterateConfig() }

// Configure reads the settings.
func (t *TopicTransliterate) Configure(props map[string]string) error {
	v, err := topicTransliterateConfig().Parse(props)
	if err != nil {
		return err
	}
	t.mappings = map[string]string{}
	for _, pair := range v.List(keyMappings) {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		i := strings.LastIndex(pair, ":")
		if i <= 0 || i == len(pair)-1 {
			return fmt.Errorf("invalid value %q for configuration %s: expected source:target", pair, keyMappings)
		}
		src, dst := strings.TrimSpace(pair[:i]), strings.TrimSpace(pair[i+1:])
		if translit.Topic(dst) != dst {
			return fmt.Errorf("invalid value %q for configuration %s: %q is not a legal Kafka topic name", pair, keyMappings, dst)
		}
		t.mappings[src] = dst
	}
	t.lower = v.String(keyCase) == "lower"
	t.hash = v.String(keyOnCollision) == "hash"
	t.seen = map[string]string{}
	t.names = map[string]string{}
	return nil
}

// Name returns the topic name for a source topic.
func (t *TopicTransliterate) Name(src string) (string, error) {
	if dst, ok := t.mappings[src]; ok {
		return dst, nil
	}
	t.mu.Lock()
	dst, ok := t.names[src]
	t.mu.Unlock()
	if ok {
		return dst, nil
	}
	dst, err := t.compute(src)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	if len(t.names) >= maxTranslitMemo {
		t.names = map[string]string{}
	}
	t.names[src] = dst
	t.mu.Unlock()
	return dst, nil
}

func (t *TopicTransliterate) compute(src string) (string, error) {
	out := translit.Topic(src)
	if t.lower {
		out = strings.ToLower(out)
	}
	if t.hash {
		if out != src {
			h := fnv.New32a()
			_, _ = h.Write([]byte(src))
			suffix := fmt.Sprintf("_%08x", h.Sum32())
			if len(out)+len(suffix) > translit.MaxTopicLength {
				out = out[:translit.MaxTopicLength-len(suffix)]
			}
			out += suffix
		}
		return out, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if prev, ok := t.seen[out]; ok && prev != src {
		return "", fmt.Errorf("TopicTransliterate: topics %q and %q would both become %q; add a mapping for one of them (%s) or set %s=hash",
			prev, src, out, keyMappings, keyOnCollision)
	}
	if len(t.seen) < 100_000 {
		t.seen[out] = src
	}
	return out, nil
}

// Apply renames the record's topic.
func (t *TopicTransliterate) Apply(r *connect.Record) (*connect.Record, error) {
	name, err := t.Name(r.Topic)
	if err != nil {
		return nil, err
	}
	r.Topic = name
	return r, nil
}
