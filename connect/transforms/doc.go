// Package transforms holds the single message transforms (SMTs) and
// predicates Apache Kafka ships, with the same class names, config keys and
// behaviour, plus TopicTransliterate, a router that turns Cyrillic topic
// names into Kafka-legal ones for 1C users.
//
// Every transform works on schemaful values (a STRUCT schema with a
// *schema.Struct value) and on schemaless values (a nil schema with a
// map[string]any value). Field names are arbitrary UTF-8, so 1C attribute
// names work as they are. Transforms that act on a record part come in Key
// and Value variants, registered as "<Class>$Key" and "<Class>$Value" like
// Kafka's nested classes.
//
// A transform instance belongs to one task: Apply is called from that
// task's goroutine only. Schema translation caches are per instance and
// bounded. Every plugin registers itself in plugins.Default at init.
package transforms
