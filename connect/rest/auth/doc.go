// Package auth authenticates and authorises requests to the REST API and
// secures its transport: HTTP basic users with bcrypt hashes
// (NewBasic), static bearer tokens with optional expiry (NewBearer),
// client certificates checked against a CA (NewMTLS), the two roles
// (RoleReadOnly, RoleAdmin), and the server TLS settings of https
// listeners with certificate files reloaded on change (CertReloader,
// ServerTLSConfig).
//
// Credentials files are re-read when their modification time or size
// changes (checked at most once per ReloadInterval), so users and tokens
// can be added or revoked without a restart; a file that stops parsing
// keeps the last good contents and is reported through the logger.
// Secrets are compared in constant time; passwords and tokens never
// appear in errors or logs.
//
// The package knows nothing of echo, the herder or the routes: the REST
// layer (package rest) decides which role an endpoint needs and turns an
// *Error into Kafka Connect's JSON error body.
package auth
