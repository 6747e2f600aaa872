package testkit

import (
	"os"
	"testing"
)

// Main runs the package's tests and then stops the PostgreSQL cluster the
// test binary started (if any) and removes its directory; it exits with the
// tests' code. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testkit.Main(m) }
//
// Without it the cluster still goes away when the binary exits (a watchdog
// process notices), only less promptly.
func Main(m *testing.M) {
	code := m.Run()
	stopSharedPostgres()
	os.Exit(code)
}
