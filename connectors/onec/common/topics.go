package common

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// CheckTopicTemplate refuses a topic.template with an unclosed or unknown
// placeholder; the known ones are ${prefix}, ${kind} and ${name}.
func CheckTopicTemplate(t string) error {
	rest := t
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Errorf("unclosed placeholder in %q", t)
		}
		switch ph := rest[i+2 : i+j]; ph {
		case "prefix", "kind", "name":
		default:
			return fmt.Errorf("unknown placeholder ${%s} in %q (known: ${prefix}, ${kind}, ${name})", ph, t)
		}
		rest = rest[i+j+1:]
	}
}

// TopicName is the topic of an object's records: topic when set, else
// template with ${prefix}, ${kind} (English kind) and ${name} filled in,
// transliterated to a Kafka-legal name.
func TopicName(topic, template, prefix string, o *metadata.Object) string {
	if topic != "" {
		return topic
	}
	r := strings.NewReplacer("${prefix}", prefix, "${kind}", o.Kind.String(), "${name}", o.Name)
	return translit.Topic(r.Replace(template))
}

// Sleep waits d or until ctx ends. It returns nil either way, so a Poll can
// `return nil, common.Sleep(ctx, d)`: the runtime notices the cancelled
// context itself.
func Sleep(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
	return nil
}
