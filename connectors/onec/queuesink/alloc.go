package queuesink

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// slabRows is how many rows' worth of cells, or how many numbers, one
// slab allocation holds. The values cut from a slab live as long as the
// batch holding them, and a batch's rows are released together, so a slab
// wastes little.
const slabRows = 256

// cellSlab hands out row slices cut from shared backing arrays: one
// allocation per slabRows rows instead of one per row. Not safe for
// concurrent use.
type cellSlab struct {
	free []any
}

// row returns a zeroed slice of n cells with its capacity capped at n.
func (s *cellSlab) row(n int) []any {
	if len(s.free) < n {
		s.free = make([]any, n*slabRows)
	}
	r := s.free[:n:n]
	s.free = s.free[n:]
	return r
}

// intSlab hands out big.Ints (for PostgreSQL numerics) from shared backing
// arrays: two allocations per slabRows numbers instead of two per number.
// The zero value is ready; a nil *intSlab allocates each number on its
// own. Not safe for concurrent use.
type intSlab struct {
	ints  []big.Int
	words []big.Word
}

// newInt returns a big.Int holding n; nobody may modify it.
func (s *intSlab) newInt(n int64) *big.Int {
	u := uint64(n)
	if n < 0 {
		u = uint64(-n) // -MinInt64 wraps to MinInt64, whose uint64 is 1<<63: right
	}
	if s == nil || (bits.UintSize < 64 && u > math.MaxUint32) {
		return big.NewInt(n)
	}
	if len(s.ints) == 0 {
		s.ints, s.words = make([]big.Int, slabRows), make([]big.Word, slabRows)
	}
	z, w := &s.ints[0], s.words[:1:1]
	s.ints, s.words = s.ints[1:], s.words[1:]
	w[0] = big.Word(u)
	z.SetBits(w) // normalises 0 to no words
	if n < 0 {
		z.Neg(z)
	}
	return z
}

// encodeInt is dialect.Encode of an integer into a numeric column that
// holds it, without the decimal arithmetic (it runs for every row's
// partition, offset and number), taking PostgreSQL's big.Ints from s (nil:
// allocate each); TestEncodeIntMatchesDialect keeps it equal to Encode.
func encodeInt(d dialect.Dialect, s *intSlab, n int64) (any, bool) {
	switch d.Name() {
	case dialect.NamePostgres:
		return pgtype.Numeric{Int: s.newInt(n), Valid: true}, true
	case dialect.NameSQLServer:
		return strconv.FormatInt(n, 10), true
	}
	return nil, false
}
