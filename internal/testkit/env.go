package testkit

import (
	"os"
	"strings"
	"testing"
)

// Environment variables the harness reads.
const (
	// EnvCI, when "true" (or "1"), turns every missing dependency into a
	// test failure instead of a skip.
	EnvCI = "CI"
	// EnvKafkaBootstrap is a comma-separated list of host:port of a real
	// Kafka cluster to use instead of the embedded kfake.
	EnvKafkaBootstrap = "KAFKA_BOOTSTRAP_SERVERS"
	// EnvPostgresURL is a superuser postgres:// URL of a real PostgreSQL
	// server to create test databases on instead of a throwaway cluster.
	EnvPostgresURL = "ONEC_TEST_POSTGRES_URL"
)

// getenvFunc reads an environment variable; tests swap it for a map.
type getenvFunc func(string) string

// isCI reports whether the environment marks a CI run (CI=true or CI=1).
func isCI(getenv getenvFunc) bool {
	switch strings.ToLower(strings.TrimSpace(getenv(EnvCI))) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// InCI reports whether the test runs under CI (environment CI=true), where a
// missing dependency is a failure rather than a skip.
func InCI() bool { return isCI(os.Getenv) }

// SkipOrFail stops the test because a dependency is missing: it fails the
// test under CI=true and skips it otherwise. reason should say what is
// missing and how to get it.
func SkipOrFail(t testing.TB, reason string) {
	t.Helper()
	skipOrFail(t, isCI(os.Getenv), reason)
}

func skipOrFail(t testing.TB, ci bool, reason string) {
	t.Helper()
	if ci {
		t.Fatalf("missing test dependency (CI=true makes this a failure): %s", reason)
		return
	}
	t.Skipf("skipped, missing test dependency: %s", reason)
}

// kafkaTarget decides where Kafka tests run: the bootstrap servers of an
// external cluster (external=true) or the embedded kfake (external=false).
func kafkaTarget(getenv getenvFunc) (bootstrap []string, external bool) {
	for _, s := range strings.Split(getenv(EnvKafkaBootstrap), ",") {
		if s = strings.TrimSpace(s); s != "" {
			bootstrap = append(bootstrap, s)
		}
	}
	return bootstrap, len(bootstrap) > 0
}

// postgresTarget decides where PostgreSQL tests run: the URL of an external
// server (external=true) or the throwaway cluster (external=false).
func postgresTarget(getenv getenvFunc) (url string, external bool) {
	url = strings.TrimSpace(getenv(EnvPostgresURL))
	return url, url != ""
}
