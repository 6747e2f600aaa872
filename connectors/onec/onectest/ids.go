package onectest

import (
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"fmt"

	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// zeroUUID is the nil UUID in the canonical form 1C writes.
const zeroUUID = "00000000-0000-0000-0000-000000000000"

// nameUUID derives a stable version-1-shaped UUID (lower case, canonical
// form) from parts, so the same configuration always gets the same
// metadata UUIDs.
func nameUUID(parts ...string) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var u uuid1c.UUID
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x10 // version 1, as the platform generates
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u.String()
}

// RowID returns the _IDRRef bytes (1C's binary(16) order) of the n-th row
// generated for seed. The bulk generators compute the same value in SQL
// (rowIDSQL), so a reference to row n of another object can be written
// without reading it back.
//
// The bytes are a version-1 UUID shaped as the platform generates them
// (1c-layout.md §8.1): one clock sequence and node per seed, as from one
// server, and a timestamp that grows with n. In 1C's byte order (clock
// sequence and node first, then the time fields high to low) the rows of
// an object therefore sort in the order they were created, and a table's
// clustered key follows its insertion order as in a real infobase.
func RowID(seed string, n int64) []byte {
	id := rowIDPrefix(seed)
	binary.BigEndian.PutUint64(id[8:], rowIDTime(seed)+uint64(n)*rowIDStep|1<<60)
	return id[:]
}

// rowIDStep is the time between two generated rows: 1 ms in the UUID's
// 100 ns ticks.
const rowIDStep = 10_000

// rowIDPrefix is seed's clock sequence (with the RFC 4122 variant) and
// node, the first 8 bytes of its rows' IDs; the rest is zero.
func rowIDPrefix(seed string) (id [16]byte) {
	sum := md5.Sum([]byte("node:" + seed))
	copy(id[:8], sum[:8])
	id[0] = id[0]&0x3f | 0x80 // g4: variant
	return id
}

// rowIDTime is the timestamp of seed's row 0 in 100 ns ticks since
// 1582-10-15: a moment in 2020 to 2023 picked by seed, so that objects
// differ; with rowIDStep, a billion rows stay below the 60 bits.
func rowIDTime(seed string) uint64 {
	const at2020 = 0x1EA_2C29_A747_C000 // 2020-01-01 in UUID ticks
	sum := md5.Sum([]byte("time:" + seed))
	return at2020 + binary.BigEndian.Uint64(sum[:8])%(3*365*24*3600*10_000_000)
}

// rowIDSQL returns a PostgreSQL expression equal to RowID(seed, n) where n
// is the SQL expression nExpr (an integer).
func rowIDSQL(seed, nExpr string) string {
	p := rowIDPrefix(seed)
	return fmt.Sprintf("('\\x%x'::bytea || int8send((%d + (%s)::bigint * %d) | %d))", p[:8], rowIDTime(seed), nExpr, rowIDStep, int64(1)<<60)
}

// dbUUID converts a canonical UUID string to 1C's binary(16) bytes.
func dbUUID(s string) ([]byte, error) {
	u, err := uuid1c.Parse(s)
	if err != nil {
		return nil, err
	}
	db := u.DB()
	return db[:], nil
}

// typeCode returns the 4-byte big-endian type code of a DBNames code
// (_TRef, _RTRef, _NodeTRef).
func typeCode(code int) []byte {
	return []byte{byte(code >> 24), byte(code >> 16), byte(code >> 8), byte(code)}
}
