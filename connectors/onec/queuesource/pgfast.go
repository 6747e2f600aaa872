package queuesource

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/shopspring/decimal"
)

// pgQueryer is what the PostgreSQL fast path needs: pgx.Tx and *pgx.Conn.
type pgQueryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// PostgreSQL type OIDs the fast path decodes.
const (
	oidBool        = 16
	oidBytea       = 17
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidText        = 25
	oidVarchar     = 1043
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidNumeric     = 1700
)

var errNoFastPath = errors.New("no fast path for this column")

// unixToY2KMicros is PostgreSQL's timestamp epoch (2000-01-01) in Unix
// microseconds.
const unixToY2KMicros = 946_684_800 * 1_000_000

// pgFast reports whether pgRaw decodes the column.
func pgFast(fd pgconn.FieldDescription) bool {
	if fd.Format == pgx.TextFormatCode {
		return fd.DataTypeOID == oidText || fd.DataTypeOID == oidVarchar || fd.DataTypeOID == oidNumeric
	}
	switch fd.DataTypeOID {
	case oidText, oidVarchar, oidBool, oidBytea, oidInt2, oidInt4, oidInt8, oidTimestamp, oidTimestampTZ, oidNumeric:
		return true
	}
	return false
}

// pgRaw turns the wire bytes of one column into the raw value the
// dialect's Decode accepts, skipping pgx's generic Values (the hot spot of
// the read path): text → string, numeric → decimal.Decimal, timestamp →
// time.Time (UTC), boolean → bool, bytea → []byte (copied), integers →
// int64. nil bytes are NULL. Other types give errNoFastPath.
func pgRaw(fd pgconn.FieldDescription, b []byte) (any, error) {
	if b == nil {
		return nil, nil
	}
	if fd.Format == pgx.TextFormatCode {
		switch fd.DataTypeOID {
		case oidText, oidVarchar:
			return string(b), nil
		case oidNumeric:
			return decimal.NewFromString(string(b))
		}
		return nil, errNoFastPath
	}
	switch fd.DataTypeOID {
	case oidText, oidVarchar:
		return string(b), nil
	case oidBool:
		if len(b) != 1 {
			return nil, fmt.Errorf("boolean of %d bytes", len(b))
		}
		return b[0] != 0, nil
	case oidBytea:
		return append([]byte(nil), b...), nil
	case oidInt2:
		if len(b) != 2 {
			return nil, fmt.Errorf("int2 of %d bytes", len(b))
		}
		return int64(int16(binary.BigEndian.Uint16(b))), nil
	case oidInt4:
		if len(b) != 4 {
			return nil, fmt.Errorf("int4 of %d bytes", len(b))
		}
		return int64(int32(binary.BigEndian.Uint32(b))), nil
	case oidInt8:
		if len(b) != 8 {
			return nil, fmt.Errorf("int8 of %d bytes", len(b))
		}
		return int64(binary.BigEndian.Uint64(b)), nil
	case oidTimestamp, oidTimestampTZ:
		if len(b) != 8 {
			return nil, fmt.Errorf("timestamp of %d bytes", len(b))
		}
		us := int64(binary.BigEndian.Uint64(b))
		if us == math.MaxInt64 || us == math.MinInt64 {
			return nil, errors.New("infinite timestamp has no 1C value")
		}
		unixUS := us + unixToY2KMicros // as pgx computes it
		return time.Unix(unixUS/1_000_000, (unixUS%1_000_000)*1000).UTC(), nil
	case oidNumeric:
		return pgNumeric(b)
	}
	return nil, errNoFastPath
}

// pgNumeric decodes PostgreSQL's binary numeric: ndigits, weight, sign,
// dscale (int16 each), then ndigits base-10000 digits.
func pgNumeric(b []byte) (decimal.Decimal, error) {
	if len(b) < 8 {
		return decimal.Zero, fmt.Errorf("numeric of %d bytes", len(b))
	}
	ndigits := int(binary.BigEndian.Uint16(b[0:]))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	if len(b) != 8+2*ndigits {
		return decimal.Zero, fmt.Errorf("numeric of %d bytes for %d digits", len(b), ndigits)
	}
	switch sign {
	case 0x0000, 0x4000:
	case 0xC000:
		return decimal.Zero, errors.New("NaN has no 1C value")
	default:
		return decimal.Zero, errors.New("infinity has no 1C value")
	}
	if ndigits == 0 {
		return decimal.Zero, nil
	}
	exp := int32((weight - ndigits + 1) * 4)
	var d decimal.Decimal
	if ndigits <= 4 {
		var v int64
		for i := 0; i < ndigits; i++ {
			v = v*10000 + int64(binary.BigEndian.Uint16(b[8+2*i:]))
		}
		if sign == 0x4000 {
			v = -v
		}
		d = decimal.New(v, exp)
	} else {
		v := new(big.Int)
		base := big.NewInt(10000)
		for i := 0; i < ndigits; i++ {
			v.Mul(v, base)
			v.Add(v, big.NewInt(int64(binary.BigEndian.Uint16(b[8+2*i:]))))
		}
		if sign == 0x4000 {
			v.Neg(v)
		}
		d = decimal.NewFromBigInt(v, exp)
	}
	return d, nil
}

// pgRows adapts pgx.Rows to the dialect's Rows, decoding columns with
// pgRaw (falling back to pgx's Values for a column pgRaw does not know).
type pgRows struct {
	rows pgx.Rows
	fds  []pgconn.FieldDescription
	fast []bool
}

func newPGRows(r pgx.Rows) *pgRows {
	fds := r.FieldDescriptions()
	p := &pgRows{rows: r, fds: fds, fast: make([]bool, len(fds))}
	for i, fd := range fds {
		p.fast[i] = pgFast(fd)
	}
	return p
}

// Next implements dialect.Rows.
func (p *pgRows) Next() bool { return p.rows.Next() }

// Err implements dialect.Rows.
func (p *pgRows) Err() error { return p.rows.Err() }

// Close implements dialect.Rows.
func (p *pgRows) Close() error {
	p.rows.Close()
	return p.rows.Err()
}

// Scan implements dialect.Rows: raw values ready for the dialect's Decode.
func (p *pgRows) Scan(dst []any) error {
	raw := p.rows.RawValues()
	if len(raw) != len(dst) {
		return fmt.Errorf("scan: row has %d columns, %d destinations", len(raw), len(dst))
	}
	var vals []any
	for i, b := range raw {
		if !p.fast[i] {
			if vals == nil {
				var err error
				if vals, err = p.rows.Values(); err != nil {
					return err
				}
			}
			dst[i] = vals[i]
			continue
		}
		v, err := pgRaw(p.fds[i], b)
		if err != nil {
			return fmt.Errorf("column %s: %w", p.fds[i].Name, err)
		}
		dst[i] = v
	}
	return nil
}
