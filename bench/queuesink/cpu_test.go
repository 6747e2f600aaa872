package queuesink

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// clockTick is the unit of the CPU times in /proc/<pid>/stat (USER_HZ,
// 100 on every Linux the benchmark runs on).
const clockTick = 10 * time.Millisecond

// cpuSample is the CPU time used so far by this process (the worker, the
// connector and the in-process Kafka broker) and by the PostgreSQL
// backends serving one database.
type cpuSample struct {
	self, db time.Duration
}

// sampleCPU reads both; db stays 0 where /proc is not readable (not Linux,
// or PostgreSQL on another host). Backends that exited are not counted, so
// take the second sample before closing the connections.
func sampleCPU(dbName string) cpuSample {
	var s cpuSample
	s.self = testkit.ProcessCPU()
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmd, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(cmd), "postgres: ") || !strings.Contains(string(cmd), " "+dbName+" ") {
			continue
		}
		stat, err := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state is field 3, utime 14, stime 15.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat)[i+1:])
		if len(f) < 13 {
			continue
		}
		ut, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 == nil && err2 == nil {
			s.db += time.Duration(ut+st) * clockTick
		}
	}
	return s
}

// cpuUse is CPU time per row, in microseconds, of this process and of
// the database's backends.
type cpuUse struct {
	self, db float64
}

// use is the CPU used from s to later, per row.
func (s cpuSample) use(later cpuSample, rows int) cpuUse {
	return cpuUse{self: float64(later.self-s.self) / float64(time.Microsecond) / float64(rows),
		db: float64(later.db-s.db) / float64(time.Microsecond) / float64(rows)}
}

// String renders the use as "process X + database Y".
func (u cpuUse) String() string {
	return fmt.Sprintf("process %.1f + PostgreSQL %.1f", u.self, u.db)
}
