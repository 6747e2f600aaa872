// Package registrytest is an in-memory Confluent Schema Registry for tests:
// an httptest server answering the real API's paths with the real answer
// and error bodies for the calls the registry client makes (register, look
// up, schema by id, schema by subject and version or "latest"). It checks
// that registered schemas are valid Avro, can demand basic auth, serve TLS,
// reject schemas as incompatible, and fail requests on purpose to exercise
// retries. Only loopback listeners are used.
package registrytest
