package onectest

import (
	"crypto/md5"
	"crypto/sha1"
	"fmt"
	"strconv"

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
// without reading it back. The bytes decode to a version-1 UUID.
func RowID(seed string, n int64) []byte {
	sum := md5.Sum([]byte(seed + ":" + strconv.FormatInt(n, 10)))
	sum[0] = sum[0]&0x3f | 0x80 // g4: variant
	sum[8] = sum[8]&0x0f | 0x10 // g3: version 1
	return sum[:]
}

// rowIDSQL returns a PostgreSQL expression equal to RowID(seed, n) where n
// is the SQL expression nExpr (an integer).
func rowIDSQL(seed, nExpr string) string {
	h := fmt.Sprintf("decode(md5(%s || ':' || (%s)::text), 'hex')", quoteLiteral(seed), nExpr)
	return fmt.Sprintf("set_byte(set_byte(%s, 0, (get_byte(%s, 0) & 63) | 128), 8, (get_byte(%s, 8) & 15) | 16)", h, h, h)
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
