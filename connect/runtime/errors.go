package runtime

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/converters"
)

// Stage names where a record failed, as Kafka Connect's Stage (and the
// __connect.errors.stage DLQ header).
type Stage string

// Stages.
const (
	StageTaskPoll        Stage = "TASK_POLL"
	StageTaskPut         Stage = "TASK_PUT"
	StageTransformation  Stage = "TRANSFORMATION"
	StageKeyConverter    Stage = "KEY_CONVERTER"
	StageValueConverter  Stage = "VALUE_CONVERTER"
	StageHeaderConverter Stage = "HEADER_CONVERTER"
	StageKafkaProduce    Stage = "KAFKA_PRODUCE"
	StageKafkaConsume    Stage = "KAFKA_CONSUME"
)

// tolerable reports whether a failure at s may be skipped under
// errors.tolerance=all whatever the error: converters and transformations
// (as Kafka Connect), and producing a source record (as Kafka Connect since
// KIP-779). Other stages (poll, put, consume) tolerate only retriable
// errors whose retries ran out.
func (s Stage) tolerable() bool {
	switch s {
	case StageTransformation, StageKeyConverter, StageValueConverter, StageHeaderConverter, StageKafkaProduce:
		return true
	}
	return false
}

// Sentinel errors of the runtime.
var (
	// ErrNotFound: no connector or task of that name runs on this worker.
	ErrNotFound = errors.New("not found on this worker")
	// ErrAlreadyRunning: a connector or task of that name already runs.
	ErrAlreadyRunning = errors.New("already running on this worker")
	// ErrConnectorRunning: offsets cannot change while the connector runs.
	ErrConnectorRunning = errors.New("connector is running")
	// ErrTimeout: an operation did not finish within its deadline.
	ErrTimeout = errors.New("timed out")
)

// StageError is a failure the error handler did not tolerate: it fails the
// task. It names the stage and the class executing there.
type StageError struct {
	// Stage is where the failure happened.
	Stage Stage
	// Class is the converter, transformation or connector class executing
	// there ("" when none applies).
	Class string
	// Err is the failure.
	Err error
}

// Error renders Kafka Connect's "Tolerance exceeded in error handler" with
// the stage, class and cause.
func (e *StageError) Error() string {
	if e.Class != "" {
		return fmt.Sprintf("%s (stage %s, class %s): %v", toleranceExceeded, e.Stage, e.Class, e.Err)
	}
	return fmt.Sprintf("%s (stage %s): %v", toleranceExceeded, e.Stage, e.Err)
}

// Unwrap returns the cause.
func (e *StageError) Unwrap() error { return e.Err }

const toleranceExceeded = "Tolerance exceeded in error handler"

// PanicError is a panic recovered from connector code.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack string
}

// Error renders the panic value.
func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// recoverPanic turns a recovered value into a *PanicError.
func recoverPanic(v any) *PanicError {
	return &PanicError{Value: v, Stack: string(debug.Stack())}
}

// Trace renders err the way the status trace field shows it: the message,
// then each wrapped cause with its Go type, and the stack of a panic.
func Trace(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%T: %s", err, err.Error())
	for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
		fmt.Fprintf(&b, "\nCaused by: %T: %s", e, e.Error())
	}
	var p *PanicError
	if errors.As(err, &p) {
		b.WriteString("\n")
		b.WriteString(p.Stack)
	}
	return b.String()
}

// isRetriable reports whether err is worth retrying under
// errors.retry.timeout: a *connect.RetriableError anywhere in its chain, or
// an error with a Retriable() bool method answering true (the Schema
// Registry client's outages, for instance).
func isRetriable(err error) bool {
	if err == nil {
		return false
	}
	if connect.IsRetriable(err) {
		return true
	}
	var r interface{ Retriable() bool }
	return errors.As(err, &r) && r.Retriable()
}

// Java exception class names used for our errors in the
// __connect.errors.exception.class.name header, so that tooling written
// for Kafka Connect's dead-letter queues recognises them.
const (
	javaDataException      = "org.apache.kafka.connect.errors.DataException"
	javaRetriableException = "org.apache.kafka.connect.errors.RetriableException"
)

// ExceptionClass names err's "exception class" for dead-letter queue
// headers and logs. The mapping:
//
//   - a *converters.DataError anywhere in the chain (malformed or
//     unconvertible data) → org.apache.kafka.connect.errors.DataException,
//     as Kafka Connect's converters throw;
//   - a *connect.RetriableError → org.apache.kafka.connect.errors.RetriableException;
//   - otherwise the fully qualified Go type of the first error in the chain
//     that is not a plain wrapper (fmt.Errorf's, errors.Join's, errors.New's
//     are skipped while a more specific type follows), e.g.
//     "github.com/onecconnect/onecconnect/connect/runtime.PanicError" or
//     "github.com/IBM/sarama.KError"; when the chain holds nothing more
//     specific, the type of its root cause (usually "errors.errorString").
//
// The result is stable across releases for a given error type.
func ExceptionClass(err error) string {
	if err == nil {
		return ""
	}
	var de *converters.DataError
	if errors.As(err, &de) {
		return javaDataException
	}
	var re *connect.RetriableError
	if errors.As(err, &re) {
		return javaRetriableException
	}
	root := ""
	for e := err; e != nil; e = errors.Unwrap(e) {
		root = goTypeName(e)
		switch root {
		case "fmt.wrapError", "fmt.wrapErrors", "errors.joinError", "errors.errorString":
			continue
		}
		return root
	}
	return root
}

// goTypeName is the package-qualified name of err's dynamic type, pointers
// dereferenced.
func goTypeName(err error) string {
	t := reflect.TypeOf(err)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.PkgPath() == "" || t.Name() == "" {
		return t.String()
	}
	return t.PkgPath() + "." + t.Name()
}
