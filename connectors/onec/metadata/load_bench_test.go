package metadata

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
)

// BenchmarkLoadERPSize loads a generated configuration of 3,000 objects and
// 60,000 attributes (onectest.Synthetic(3000, 20), the size of 1C:ERP) from
// PostgreSQL with Open: connect, read root, main file, DBNames and every
// descriptor, resolve types, compute the physical layout. Targets: < 2 s
// and < 200 MB peak heap. It reports the peak heap in use during a load
// (sampled every millisecond, after a GC before the load) and the heap the
// snapshot retains. The database is built once (about 15 s); b.Loop runs
// the setup once per -count.
func BenchmarkLoadERPSize(b *testing.B) {
	ctx, conn, built, url := pgtest.Build(b, onectest.Synthetic(3000, 20), 10*time.Minute)
	conn.Close(context.Background()) // only the build needs it; each load opens its own
	wantObjects := len(built.Config.Objects)
	opts := LoadOptions{Logger: discardLogger()}

	var peak, retained, worst uint64
	var slowest time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		base := heapInUse()
		stop := sampleHeap(&peak)
		b.StartTimer()
		start := time.Now()
		r, err := Open(ctx, url, opts)
		d := time.Since(start)
		b.StopTimer()
		close(stop)
		if err != nil {
			b.Fatal(err)
		}
		ib := r.Snapshot()
		if len(ib.Objects) != wantObjects || len(ib.Problems) > 0 {
			b.Fatalf("%d objects, %d problems; want %d objects", len(ib.Objects), len(ib.Problems), wantObjects)
		}
		runtime.GC()
		retained = heapInUse() - base
		worst = max(worst, atomic.LoadUint64(&peak)-base)
		slowest = max(slowest, d)
		runtime.KeepAlive(ib)
		r.Close()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(worst)/(1<<20), "peak-MB")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MB")
	b.ReportMetric(slowest.Seconds(), "slowest-s")
	if slowest > 2*time.Second || worst > 200<<20 {
		b.Logf("over target: slowest load %s, peak %d MB (targets 2 s, 200 MB)", slowest, worst>>20)
	}
}

// heapInUse returns the bytes of live and not yet swept heap objects.
func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// sampleHeap records the largest heapInUse into *peak every millisecond
// until stop is closed.
func sampleHeap(peak *uint64) chan struct{} {
	atomic.StoreUint64(peak, heapInUse())
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if h := heapInUse(); h > atomic.LoadUint64(peak) {
					atomic.StoreUint64(peak, h)
				}
			}
		}
	}()
	return stop
}
