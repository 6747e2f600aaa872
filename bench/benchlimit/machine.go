package benchlimit

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// MachineCPU is the busy CPU time of the whole machine since boot, every
// process included (PostgreSQL, the broker, the worker): user, nice,
// system, irq, softirq and steal time of /proc/stat's first line. It is 0
// where /proc/stat is missing (not Linux) or unreadable.
func MachineCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	return busyTime(b)
}

// busyTime parses the aggregate "cpu" line of /proc/stat: user nice
// system idle iowait irq softirq steal …, in USER_HZ ticks (1/100 s on
// every Linux this runs on). Guest time is already part of user time.
func busyTime(stat []byte) time.Duration {
	line, _, _ := bytes.Cut(stat, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 9 || string(fields[0]) != "cpu" {
		return 0
	}
	var ticks int64
	for i, f := range fields[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		v, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0
		}
		ticks += v
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}
