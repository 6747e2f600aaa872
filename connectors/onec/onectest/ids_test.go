package onectest

import (
	"bytes"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// TestRowIDShape checks that generated IDs look like the platform's:
// version-1 UUIDs with one node per object, sorting by creation in 1C's
// byte order.
func TestRowIDShape(t *testing.T) {
	// UUID time is 100 ns ticks since 1582-10-15, this many before 1970.
	const unixTicks = 0x01B21DD213814000
	for _, seed := range []string{"seed-a", "seed-b"} {
		var prev []byte
		for _, n := range []int64{1, 2, 3, 255, 256, 65535, 65536, 1 << 32, 1<<32 + 1} {
			db := RowID(seed, n)
			if prev != nil && bytes.Compare(prev, db) >= 0 {
				t.Errorf("%s: row %d (%x) does not sort after the row before (%x)", seed, n, db, prev)
			}
			prev = db
			u := uuid1c.FromDB([16]byte(db))
			if v := u[6] >> 4; v != 1 {
				t.Errorf("%s row %d: %s is version %d, want 1", seed, n, u, v)
			}
			if u[8]&0xc0 != 0x80 {
				t.Errorf("%s row %d: %s has not the RFC 4122 variant", seed, n, u)
			}
			if !bytes.Equal(db[:8], RowID(seed, 1)[:8]) {
				t.Errorf("%s row %d: clock sequence and node %x differ from row 1's", seed, n, db[:8])
			}
			ticks := int64(u[6]&0x0f)<<56 | int64(u[7])<<48 | int64(u[4])<<40 | int64(u[5])<<32 |
				int64(u[0])<<24 | int64(u[1])<<16 | int64(u[2])<<8 | int64(u[3])
			at := time.Unix((ticks-unixTicks)/10_000_000, 0).UTC()
			if at.Year() < 2020 || at.Year() > 2023 {
				t.Errorf("%s row %d: %s was made in %d, want 2020 to 2023", seed, n, u, at.Year())
			}
		}
	}
	if bytes.Equal(RowID("seed-a", 1)[:8], RowID("seed-b", 1)[:8]) {
		t.Error("two seeds share a node")
	}
}
