package converters

import "fmt"

// DataError reports data that cannot be converted: malformed bytes, a value
// that does not fit its schema, a schema the format cannot express. The
// runtime routes it to the connector's error path (tolerance, DLQ).
type DataError struct {
	// Topic is the record's topic, when known.
	Topic string
	// Reason says what is wrong, without the value itself.
	Reason string
	// Err is the underlying cause, if any.
	Err error
}

// Error renders the topic and the reason.
func (e *DataError) Error() string {
	msg := e.Reason
	if e.Topic != "" {
		msg = fmt.Sprintf("topic %s: %s", e.Topic, e.Reason)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *DataError) Unwrap() error { return e.Err }

// Errorf builds a DataError for topic.
func Errorf(topic string, cause error, format string, args ...any) *DataError {
	return &DataError{Topic: topic, Reason: fmt.Sprintf(format, args...), Err: cause}
}
