// Package pgserver starts a throwaway PostgreSQL cluster: initdb into a
// fresh temporary directory, pg_ctl start on a free loopback port with
// trust authentication for the superuser "postgres", and a detached
// watchdog that stops the cluster and removes its directory when the
// starting process exits, however it exits (Stop does the same at once).
//
// It is what the test harness (internal/testkit) and the quick start
// (internal/demo, `make demo`) run PostgreSQL with. The server binaries
// (initdb, pg_ctl) come from PATH or the newest /usr/lib/postgresql/*/bin
// (Debian's layout); when they are missing, Start returns ErrNoInitdb.
// Running as root, the server runs as the "postgres" user through runuser.
//
// The cluster is tuned for throwaway use (fsync off, no synchronous
// commit) and listens on 127.0.0.1 only. The package knows nothing of
// testing, 1C or the worker.
package pgserver
