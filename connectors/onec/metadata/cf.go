package metadata

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// ErrContainer is wrapped by every error about a malformed .cf container.
var ErrContainer = errors.New("metadata: malformed .cf container")

const (
	cfHeaderSize   = 16
	cfBlockHeader  = 31
	cfNoAddress    = 0x7fffffff
	cfMaxElements  = 1 << 20
	cfElemNameBase = 20 // 8 + 8 + 4 bytes before the UTF-16 name
)

// ReadCF unpacks a 1C 8.x container (.cf, §16) into its elements: element
// name → stored (raw-deflated) bytes. Nested containers stay packed.
// Malformed input gives an error wrapping ErrContainer, never a panic;
// memory is bounded by a small multiple of len(data).
func ReadCF(data []byte) (map[string][]byte, error) {
	if len(data) < cfHeaderSize+cfBlockHeader {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrContainer, len(data))
	}
	toc, err := cfDocument(data, cfHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("table of contents: %w", err)
	}
	if len(toc)%4 != 0 {
		return nil, fmt.Errorf("%w: table of contents size %d", ErrContainer, len(toc))
	}
	out := map[string][]byte{}
	for i := 0; i+12 <= len(toc); i += 12 {
		if len(out) >= cfMaxElements {
			return nil, fmt.Errorf("%w: too many elements", ErrContainer)
		}
		ha := int64(binary.LittleEndian.Uint32(toc[i:]))
		da := int64(binary.LittleEndian.Uint32(toc[i+4:]))
		if ha == cfNoAddress {
			continue
		}
		h, err := cfDocument(data, ha)
		if err != nil {
			return nil, fmt.Errorf("element %d header: %w", i/12, err)
		}
		if len(h) < cfElemNameBase+2 {
			return nil, fmt.Errorf("%w: element %d header of %d bytes", ErrContainer, i/12, len(h))
		}
		name := decodeUTF16Name(h[cfElemNameBase:])
		if name == "" {
			return nil, fmt.Errorf("%w: element %d has no name", ErrContainer, i/12)
		}
		var body []byte
		if da != cfNoAddress {
			if body, err = cfDocument(data, da); err != nil {
				return nil, fmt.Errorf("element %q: %w", name, err)
			}
		}
		out[name] = body
	}
	return out, nil
}

func decodeUTF16Name(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// cfDocument follows a block chain from addr and returns the document's
// bytes, cut to the size in its first block header.
func cfDocument(data []byte, addr int64) ([]byte, error) {
	var out []byte
	total := int64(-1)
	seen := map[int64]bool{}
	for {
		if addr < 0 || addr+cfBlockHeader > int64(len(data)) {
			return nil, fmt.Errorf("%w: block address %d outside %d bytes", ErrContainer, addr, len(data))
		}
		if seen[addr] {
			return nil, fmt.Errorf("%w: block chain loops at %d", ErrContainer, addr)
		}
		seen[addr] = true
		h := data[addr : addr+cfBlockHeader]
		if h[0] != '\r' || h[1] != '\n' || h[10] != ' ' || h[19] != ' ' || h[28] != ' ' || h[29] != '\r' || h[30] != '\n' {
			return nil, fmt.Errorf("%w: bad block header at %d", ErrContainer, addr)
		}
		docSize, err1 := strconv.ParseUint(string(h[2:10]), 16, 32)
		blockSize, err2 := strconv.ParseUint(string(h[11:19]), 16, 32)
		next, err3 := strconv.ParseUint(string(h[20:28]), 16, 32)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("%w: block header at %d: %v", ErrContainer, addr, err)
		}
		start := addr + cfBlockHeader
		if start+int64(blockSize) > int64(len(data)) {
			return nil, fmt.Errorf("%w: block at %d of %d bytes overruns the file", ErrContainer, addr, blockSize)
		}
		if total < 0 {
			total = int64(docSize)
			if total > int64(len(data)) {
				return nil, fmt.Errorf("%w: document at %d claims %d bytes", ErrContainer, addr, total)
			}
			out = make([]byte, 0, total)
		}
		take := min(int64(blockSize), total-int64(len(out)))
		out = append(out, data[start:start+take]...)
		if int64(len(out)) >= total || next == cfNoAddress {
			break
		}
		addr = int64(next)
	}
	if int64(len(out)) < total {
		return nil, fmt.Errorf("%w: document of %d bytes ends after %d", ErrContainer, total, len(out))
	}
	return out, nil
}

// LoadCF reads a configuration file (.cf) into the model without physical
// names (DBMS is DBMSNone; tables and columns are empty).
func LoadCF(data []byte) (*Infobase, error) {
	files, err := ReadCF(data)
	if err != nil {
		return nil, err
	}
	return Load(context.Background(), &memSource{config: files}, LoadOptions{})
}

// memSource serves file rows from memory: a .cf file's elements or test
// fixtures.
type memSource struct {
	config, params map[string][]byte
	dbms           DBMS
	yearOffset     int
	fingerprint    string
}

// NewMemorySource returns a Source over in-memory Config and Params rows
// (stored bodies, as InflateBody takes them). With dbms DBMSNone no DBNames
// is read and no physical names are computed.
func NewMemorySource(dbms DBMS, config, params map[string][]byte, yearOffset int) Source {
	return &memSource{config: config, params: params, dbms: dbms, yearOffset: yearOffset}
}

func (m *memSource) ReadFiles(ctx context.Context, t FileTable, names []string) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src := m.config
	if t == TableParams {
		src = m.params
	}
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		if b, ok := src[n]; ok {
			out[n] = b
		} else if b, ok := src[strings.ToLower(n)]; ok {
			out[n] = b
		}
	}
	return out, nil
}

func (m *memSource) DBMS() DBMS                                  { return m.dbms }
func (m *memSource) YearOffset(context.Context) (int, error)     { return m.yearOffset, nil }
func (m *memSource) Fingerprint(context.Context) (string, error) { return m.fingerprint, nil }
