package connect

import "github.com/onecconnect/onecconnect/config"

// Transformation is a single message transform (Kafka's Transformation).
// One instance serves one task: Configure once, then Apply from the task's
// goroutine only (no locking needed), then Close once.
type Transformation interface {
	// Config describes the transformation's settings.
	Config() *config.ConfigDef
	// Configure applies settings given without the "transforms.<alias>."
	// prefix.
	Configure(props map[string]string) error
	// Apply transforms rec. It may modify rec in place and return it, or
	// return a new record; returning nil drops the record. An error is a
	// TRANSFORMATION-stage failure handled by errors.tolerance.
	Apply(rec *Record) (*Record, error)
	// Close releases resources.
	Close() error
}

// Predicate decides whether a transformation applies to a record (KIP-585).
// Same lifecycle and threading as Transformation.
type Predicate interface {
	// Config describes the predicate's settings.
	Config() *config.ConfigDef
	// Configure applies settings given without the "predicates.<alias>."
	// prefix.
	Configure(props map[string]string) error
	// Test reports whether rec matches.
	Test(rec *Record) bool
	// Close releases resources.
	Close() error
}
