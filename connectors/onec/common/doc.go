// Package common is the plumbing every 1C connector shares: the database
// connection keys (database.url, database.user, database.password) and their
// validation, opening the database (a pgx pool for postgres://, database/sql
// with go-mssqldb for sqlserver://) with transactions behind one [Tx] type,
// the metadata catalog with its periodic cheap reload ([Catalog]), name
// resolution with suggestions ([Resolver]), metadata columns in the
// dialects' terms ([DialectColumn]) and values as text and back ([Text],
// [ParseText]), retries with exponential back-off for connection loss
// ([Retrier], and [RetryingPoll], a source task's Poll under it), per-task
// metrics ([Metrics], [StartTaskMetrics]), and the round-robin split of
// objects over tasks ([ObjectTaskConfigs]). Row values map to Connect values with
// connectors/onec/metadata/rowmap.
//
// Connectors (queue source, changes source, table source, sinks) import it;
// it imports connect/config/schema and the onec metadata and dialect
// packages, never the runtime.
//
// Credentials. database.url carries no credentials: a password (or a user)
// inside it is rejected with a message pointing to database.password
// (database.user). The DSN with credentials is assembled in memory only
// (Database.DSN) and never logged; Database.Redacted is what logs show.
//
// TLS and driver options pass through as URL query parameters:
// sslmode, sslrootcert, sslcert, sslkey for PostgreSQL; encrypt,
// TrustServerCertificate, certificate, hostNameInCertificate for SQL Server.
//
// Threading: Database is a value; DB, Catalog and Metrics are
// safe for concurrent use; a Tx and a Retrier belong to one goroutine.
package common
