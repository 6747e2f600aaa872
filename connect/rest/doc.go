// Package rest serves Kafka Connect's REST API on echo (v4): the same
// paths, query parameters, JSON field names, status codes and error bodies
// ({"error_code": N, "message": "..."}) as kafka-connect.md §1, plus
// GET /metrics in Prometheus text format.
//
// One file per resource: connectors.go (/connectors, config, status,
// restart, pause/resume/stop), tasks.go, offsets.go, topics.go, plugins.go
// (/connector-plugins), loggers.go (/admin/loggers, backed by the
// [LogLevels] registry in levels.go), root.go (/, /health). errors.go maps
// herder error kinds to status codes in one place; forward.go forwards
// requests a herder answers with *herder.NotLeaderError (two hops at most,
// the ?forward= rule).
//
// Paths are routed on their escaped form, so connector names with
// reserved characters, even an encoded "/", are one path parameter and
// round-trip through the Location header. Config values in request bodies
// may be JSON strings, numbers or booleans and become strings, as Kafka's
// Jackson coercion does. Unknown routes answer 404 and wrong methods 405,
// in the JSON error shape; panics become 500 JSON answers; bodies are
// size-limited; http.Server timeouts are set.
//
// Security: authz.go authenticates every request through
// Options.Auth (package auth: basic, bearer, mTLS; nil = off, the
// in-process default — the worker binary defaults to basic) and checks the
// endpoint's role (readonly for GET, admin for writes, restarts, offsets
// changes and /admin/loggers; /health open by default), answering 401/403
// in the error shape. names.go rejects connector names with path
// separators, control characters or more than 249 bytes; depth.go refuses
// JSON nested deeper than 32 before decoding.
//
// The package knows the herder only through the herder.Herder interface
// and never touches the runtime or storage directly.
package rest
