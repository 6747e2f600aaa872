// Package registry is a client for the Confluent Schema Registry REST API,
// limited to what a serializer and a deserializer need:
//
//	POST /subjects/{subject}/versions          register a schema → id
//	POST /subjects/{subject}                   look a schema up → id, version
//	GET  /schemas/ids/{id}                     schema text by id
//	GET  /subjects/{subject}/versions/{v}      schema by subject and version
//	GET  /subjects/{subject}/versions/latest   newest schema of a subject
//
// A Client caches what cannot change (schemas by id, ids by subject and
// schema text, schemas by subject and version) in bounded maps, and the
// latest version of a subject for a configurable time. It retries transport
// errors and 5xx answers with exponential backoff, a bounded number of
// times; 4xx answers come back at once as an *Error carrying the registry's
// error_code and message. Requests carry basic-auth credentials when
// configured and use the given TLS settings.
//
// Every blocking call takes a context.Context that bounds it, on top of the
// per-request timeout. A Client is safe for concurrent use. The package knows
// nothing of Avro encoding or of Kafka Connect.
package registry
