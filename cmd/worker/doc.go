// Command worker is the onec-connect binary.
//
//	worker standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]
//	worker version
//
// standalone runs one worker with the standalone herder: connector configs
// come from the files given (and the REST API), source offsets live in
// offset.storage.file.filename. Worker keys are Kafka Connect's
// (bootstrap.servers, key.converter, value.converter, header.converter,
// offset.storage.file.filename, offset.flush.interval.ms, listeners,
// rest.advertised.host.name, rest.advertised.port, admin.listeners,
// access.control.allow.origin/methods, producer.* / consumer.* / admin.*
// client defaults, config.providers, …) plus log.level (root level: TRACE,
// DEBUG, INFO, WARN, ERROR, FATAL, OFF; changed at run time through
// /admin/loggers). Config values may use ${env:NAME}, ${file:path:key} and
// ${directory:dir:file} references.
//
// Kafka client security (every client of the worker):
//
//	security.protocol         PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
//	ssl.ca.location           PEM CA bundle (the system pool when unset)
//	ssl.certificate.location  client certificate, PEM (mutual TLS)
//	ssl.key.location          client key, PEM
//	ssl.endpoint.identification.algorithm  https (default) or empty to skip host checks
//	sasl.mechanism            PLAIN (default), SCRAM-SHA-256, SCRAM-SHA-512
//	sasl.jaas.config          Kafka's JAAS line: ... required username="u" password="p";
//	sasl.username / sasl.password   instead of sasl.jaas.config
//
// Connector files: .properties with name=, or .json as the POST /connectors
// body ({"name": ..., "config": {...}}) or a flat map with "name"; JSON
// values may be strings, numbers or booleans.
//
// Logs go to stderr (log/slog text). SIGINT or SIGTERM stops the worker
// gracefully: REST first, then tasks (offsets committed), then connectors.
//
// Exit codes: 0 after a clean stop; 2 for bad usage or configuration (one
// line naming the file, the key and the reason); 1 for a runtime failure
// (Kafka unreachable at startup, a listener that fails).
package main
