package avro

import (
	"testing"

	"github.com/onecconnect/onecconnect/converters/avro/registrytest"
)

// newTestConverter starts a fake registry and a converter configured for
// it, with fast retries.
func newTestConverter(t testing.TB, isKey bool, extra map[string]string) (*Converter, *registrytest.Server) {
	t.Helper()
	srv := registrytest.New(registrytest.Options{})
	t.Cleanup(srv.Close)
	props := map[string]string{
		KeyRegistryURL:      srv.URL,
		KeyRetriesWaitMs:    "1",
		KeyRetriesMaxWaitMs: "5",
	}
	for k, v := range extra {
		props[k] = v
	}
	c := New()
	if err := c.Configure(props, isKey); err != nil {
		t.Fatalf("Configure: %v", err)
	}
	t.Cleanup(c.Close)
	return c, srv
}
