// Package plugins is the registry of connector, converter, transformation
// and predicate implementations, keyed by class name with short aliases.
//
// Plugins register at init (package-level registration into [Default] is
// the one accepted piece of global mutable state); a duplicate name or alias
// is a programming error and panics. Lookups resolve names the way Kafka
// Connect does (kafka-connect.md §4): the fully qualified class name, the
// simple name (after the last '.' or '$'), and the simple name cut at its
// type suffix (Connector, Converter, HeaderConverter, Transformation,
// Predicate), as long as the alias names a single plugin.
//
// A [Registry] is safe for concurrent use. Tests build their own with [New].
package plugins
