package avro

import (
	"fmt"
	"strings"

	"github.com/hamba/avro/v2"
)

// Subject name strategy class names (Confluent's), accepted in
// key.subject.name.strategy and value.subject.name.strategy, also by their
// simple names.
const (
	TopicNameStrategy       = "io.confluent.kafka.serializers.subject.TopicNameStrategy"
	RecordNameStrategy      = "io.confluent.kafka.serializers.subject.RecordNameStrategy"
	TopicRecordNameStrategy = "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"
)

// subjectStrategy names the registry subject of a record's schema.
type subjectStrategy func(topic string, isKey bool, h avro.Schema) (string, error)

func parseStrategy(name string) (subjectStrategy, error) {
	switch simple := name[strings.LastIndexByte(name, '.')+1:]; simple {
	case "TopicNameStrategy":
		return topicName, nil
	case "RecordNameStrategy":
		return recordName, nil
	case "TopicRecordNameStrategy":
		return func(topic string, isKey bool, h avro.Schema) (string, error) {
			r, err := recordName(topic, isKey, h)
			if err != nil {
				return "", err
			}
			return topic + "-" + r, nil
		}, nil
	}
	return nil, fmt.Errorf("unknown subject name strategy %q", name)
}

// topicName is <topic>-key or <topic>-value.
func topicName(topic string, isKey bool, _ avro.Schema) (string, error) {
	if isKey {
		return topic + "-key", nil
	}
	return topic + "-value", nil
}

// recordName is the full name of the record schema (after name
// sanitisation); other schemas have none.
func recordName(_ string, _ bool, h avro.Schema) (string, error) {
	if u, ok := h.(*avro.UnionSchema); ok && u.Nullable() && len(u.Types()) == 2 {
		_, i := u.Indices()
		h = u.Types()[i]
	}
	if r, ok := h.(*avro.RecordSchema); ok {
		return r.FullName(), nil
	}
	return "", fmt.Errorf("the record name strategies need a record (Connect STRUCT) schema, not %s", h.Type())
}
