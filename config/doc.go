// Package config defines typed configuration for workers, connectors,
// converters and transforms, modelled on Kafka's Java ConfigDef.
//
// A [ConfigDef] is data: the list of [Key]s a component accepts (type,
// default, validator, importance, group, order, documentation, dependents)
// plus the pass-through prefixes under which undeclared keys are allowed.
// Everything else derives from it:
//
//   - [ConfigDef.Parse] turns a map[string]string into typed [Values], or
//     returns a [*ValidationError] that lists every failing key;
//   - [ConfigDef.Validate] returns the result in Kafka Connect's
//     [ConfigInfos] shape, exactly as the REST endpoint
//     PUT /connector-plugins/{plugin}/config/validate serves it;
//   - [ConfigDef.Markdown] renders the reference documentation;
//   - [MaskPasswords] and the [Password] type keep secrets out of logs,
//     errors, fmt output, JSON and REST responses ([HiddenValue]).
//
// Config providers resolve references such as ${env:NAME},
// ${file:/path/to/file.properties:key} and ${directory:/run/secrets:name}
// at use time through a [Resolver]; stored configs keep the references
// unresolved. [ParseProperties] and [WriteProperties] read and write Java
// .properties files (worker and connector configs, file provider).
//
// The package knows nothing about connectors, the worker runtime or Kafka
// clients; it imports only the standard library. All types are safe for
// concurrent use once built: a ConfigDef must not be modified (Define,
// AllowPrefix) after it has been shared between goroutines.
package config
