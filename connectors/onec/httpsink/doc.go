// Package httpsink is OneCHTTPSink: it sends Kafka records to an HTTP
// service of a 1C:Enterprise 8.3 infobase (or any HTTP endpoint) — the
// Kafka → 1C bridge without a hand-written consumer in between.
//
// What it does. Each record (or each batch of batch.size records) becomes
// one HTTP request: the method is method, the address is the url template
// rendered with the record (${topic}, ${partition}, ${offset}, ${key},
// ${header:Name}; placeholders are allowed in the path and query only, never
// in the scheme or host), the body is the record value (strings and bytes as
// they are, anything else through body.converter, JSON without schemas by
// default; a JSON array of the values when batch.size > 1). Basic
// (auth.user, auth.password) or bearer (auth.token) authentication, TLS
// options (ssl.*), per-request timeout timeout.ms. Every request carries a
// correlation id header (correlation.id.header) taken from the record's
// header of that name or derived from topic, partition and offset, so 1C can
// recognise a repeated delivery; with reply.topic the response body is
// produced to that topic keyed by the correlation id.
//
// 1C sessions. With session.reuse (default) each concurrency slot keeps
// one 1C session alive over its calls (the IBSession mechanism of 1C HTTP
// services: "IBSession: start" on the first call, the ibsession cookie on
// later ones, "IBSession: finish" when the task stops), so the infobase does
// not open a session — and take a licence and a login — per call. A 1C
// session serves one call at a time, which is why sessions are per slot,
// not per task.
//
// Unit of parallelism: the task. tasks.max tasks share the topics' partitions
// (a consumer group); within a task at most max.concurrency requests are in
// flight (default 2: 1C servers refuse connections under floods), and with
// ordering=key (default) at most one per record key, so records with one key
// reach 1C in order. ordering=partition keeps one request per partition,
// ordering=none only bounds concurrency.
//
// Delivery guarantee: at-least-once. A record is acknowledged when 1C
// answered 2xx (and its reply, if any, is in Kafka) or when it went to the
// error path (errors.tolerance, the dead-letter queue, through the errant
// record reporter). PreCommit returns, per partition, only the offset below
// which every record is acknowledged, so a crash never skips a record; a
// record already acknowledged in a run is not sent again in that run. 5xx,
// 429, 408, timeouts and connection failures are retried with exponential
// back-off and jitter within retry.timeout.ms (errors.retry.timeout when
// that is set); other 4xx and 3xx answers are never retried and go to the
// error path at once.
//
// Performance knobs: max.concurrency (1C's HTTP pool and licences are the
// limit: raise carefully), batch.size (fewer, larger calls; the 1C handler
// then gets a JSON array), ordering (none allows the most overlap),
// max.buffered.records (memory bound of the task's queue; Put blocks above
// it), session.reuse (saves a 1C login per call).
//
// Needed in 1C: a published HTTP service (hs/...) whose handler accepts the
// method, an infobase user with rights to run it (auth.user), and
// "Повторное использование сеансов" = "Использовать" on the service for
// session reuse. docs/connectors/onec-http-sink.md has a BSL example.
//
// The connector imports connect, config, schema, converters (the body
// converter), connect/plugins (registration) and sarama (the reply producer);
// never the runtime. Optional runtime services are discovered on the
// SinkTaskContext through [KafkaClientProvider] and [MetricsProvider].
package httpsink
