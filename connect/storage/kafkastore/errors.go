package kafkastore

import (
	"errors"
	"fmt"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrFormat marks a record whose key or value does not have Kafka
	// Connect's format. Such records read from a topic are logged and
	// skipped; an encoder returns it for values it cannot represent.
	ErrFormat = errors.New("kafkastore: malformed record")
	// ErrNotStarted is returned by a Log or store used before Start
	// succeeded.
	ErrNotStarted = errors.New("kafkastore: not started")
	// ErrStopped is returned by a Log or store used after Stop, and by
	// waits that Stop interrupted.
	ErrStopped = errors.New("kafkastore: stopped")
	// ErrTopicPartitions is wrapped by a TopicError when the config topic
	// exists with more than one partition.
	ErrTopicPartitions = errors.New("internal topic must have exactly one partition")
	// ErrTopicNotCompacted is wrapped by a TopicError when an internal topic
	// exists with a cleanup.policy other than exactly "compact".
	ErrTopicNotCompacted = errors.New("internal topic must have cleanup.policy=compact")
)

// TopicError reports an existing internal topic the worker refuses to use
// (Kafka Connect fails start-up with a ConfigException in the same cases).
// It wraps ErrTopicPartitions or ErrTopicNotCompacted.
type TopicError struct {
	// Topic is the topic name.
	Topic string
	// Property is the worker config key that named the topic, e.g.
	// "config.storage.topic".
	Property string
	// Purpose says what the topic stores, e.g. "connector configurations".
	Purpose string
	// Found is what the broker reported: the partition count or the
	// cleanup.policy value.
	Found string
	// Err is the sentinel.
	Err error
}

// Error returns a message that names the topic, the property and the fix.
func (e *TopicError) Error() string {
	switch {
	case errors.Is(e.Err, ErrTopicPartitions):
		return fmt.Sprintf("topic %q supplied via the %q property is required to have a single partition "+
			"in order to guarantee consistency of %s, but found %s partitions; "+
			"point %q at a topic with exactly one partition",
			e.Topic, e.Property, e.Purpose, e.Found, e.Property)
	case errors.Is(e.Err, ErrTopicNotCompacted):
		return fmt.Sprintf("topic %q supplied via the %q property is required to have 'cleanup.policy=compact' "+
			"to guarantee consistency and durability of %s, but found the topic currently has 'cleanup.policy=%s'; "+
			"continuing would likely lose data: change %q to a topic with 'cleanup.policy=compact'",
			e.Topic, e.Property, e.Purpose, e.Found, e.Property)
	default:
		return fmt.Sprintf("topic %q (%s): %v", e.Topic, e.Property, e.Err)
	}
}

// Unwrap returns the sentinel.
func (e *TopicError) Unwrap() error { return e.Err }
