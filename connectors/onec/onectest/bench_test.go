package onectest

import (
	"testing"
	"time"
)

// TestBuildSynthetic builds an ERP-sized configuration and reports timings.
func TestBuildSynthetic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 3,000 objects")
	}
	ctx, conn := connect(t)
	start := time.Now()
	b, err := Build(ctx, conn, Synthetic(3000, 20))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built %d tables, %d DBNames entries in %v", len(b.Tables), len(b.DBNames), time.Since(start))
	start = time.Now()
	if _, err := b.Generate(ctx, conn, "Справочник.Справочник1", 100000, GenOptions{MarkEvery: 100}); err != nil {
		t.Fatal(err)
	}
	t.Logf("generated 100,000 catalog rows (20 attributes) in %v", time.Since(start))
}
