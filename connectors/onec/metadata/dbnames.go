package metadata

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// DBNamesEntry is one entry of DBNames: a metadata UUID (zero for platform
// tables), a token and a code unique across the file (§4.1).
type DBNamesEntry struct {
	UUID  uuid1c.UUID
	Token string
	Code  int
}

// DBNames maps metadata UUIDs to physical table and column codes. It is
// immutable after ParseDBNames.
type DBNames struct {
	// MaxCode is the file's first number (the allocation counter).
	MaxCode int
	// Entries in file order.
	Entries []DBNamesEntry

	byKey  map[dbKey]int32 // (uuid, token) -> index in Entries
	byCode map[int]int32
}

type dbKey struct {
	u     uuid1c.UUID
	token string
}

// maxDBNamesEntries bounds the entry count a file may declare.
const maxDBNamesEntries = 10_000_000

// ParseDBNames parses the (inflated, BOM-stripped or not) text of
// Params.DBNames. Every entry must be {uuid,"Token",code} with a positive
// code unique in the file, and the declared count must match.
func ParseDBNames(text []byte) (*DBNames, error) {
	root, err := brace.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("dbnames: %w", err)
	}
	return dbNamesFromTree(root)
}

func dbNamesFromTree(root *brace.Node) (*DBNames, error) {
	maxCode, err := root.Int(0)
	if err != nil {
		return nil, fmt.Errorf("dbnames: max code: %w", err)
	}
	list, err := root.ListAt(1)
	if err != nil {
		return nil, fmt.Errorf("dbnames: entry list: %w", err)
	}
	count, err := list.Int(0)
	if err != nil {
		return nil, fmt.Errorf("dbnames: entry count: %w", err)
	}
	if count < 0 || count > maxDBNamesEntries || count != len(list.List)-1 {
		return nil, fmt.Errorf("dbnames: declared %d entries, found %d", count, len(list.List)-1)
	}
	d := &DBNames{
		MaxCode: maxCode,
		Entries: make([]DBNamesEntry, 0, count),
		byKey:   make(map[dbKey]int32, count),
		byCode:  make(map[int]int32, count),
	}
	tokens := make(map[string]string) // interned: do not pin the whole file text
	for i, n := range list.List[1:] {
		if n.Len() != 3 || n.List[0].IsList || !n.List[1].Quoted || n.List[2].IsList {
			return nil, fmt.Errorf("dbnames: entry %d: want {uuid,\"Token\",code}", i+1)
		}
		u, err := uuid1c.Parse(n.List[0].Text)
		if err != nil {
			return nil, fmt.Errorf("dbnames: entry %d: %w", i+1, err)
		}
		code, err := strconv.Atoi(n.List[2].Text)
		if err != nil || code <= 0 {
			return nil, fmt.Errorf("dbnames: entry %d: bad code %q", i+1, clip(n.List[2].Text))
		}
		tok, ok := tokens[n.List[1].Text]
		if !ok {
			tok = strings.Clone(n.List[1].Text)
			tokens[tok] = tok
		}
		if tok == "" {
			return nil, fmt.Errorf("dbnames: entry %d: empty token", i+1)
		}
		if _, dup := d.byCode[code]; dup {
			return nil, fmt.Errorf("dbnames: entry %d: code %d used twice", i+1, code)
		}
		idx := int32(len(d.Entries))
		d.Entries = append(d.Entries, DBNamesEntry{UUID: u, Token: tok, Code: code})
		d.byCode[code] = idx
		if !u.IsNil() {
			// With several (uuid, token) entries the first wins; the platform
			// writes one, a duplicate would be a stale entry.
			if _, seen := d.byKey[dbKey{u, tok}]; !seen {
				d.byKey[dbKey{u, tok}] = idx
			}
		}
	}
	return d, nil
}

// Code returns the code of the entry (u, token), e.g. (catalogUUID,
// "Reference") -> 42.
func (d *DBNames) Code(u uuid1c.UUID, token string) (int, bool) {
	if d == nil {
		return 0, false
	}
	i, ok := d.byKey[dbKey{u, token}]
	if !ok {
		return 0, false
	}
	return d.Entries[i].Code, true
}

// ByCode returns the entry with the given code.
func (d *DBNames) ByCode(code int) (DBNamesEntry, bool) {
	if d == nil {
		return DBNamesEntry{}, false
	}
	i, ok := d.byCode[code]
	if !ok {
		return DBNamesEntry{}, false
	}
	return d.Entries[i], true
}

// TokenCounts returns how many entries use each token.
func (d *DBNames) TokenCounts() map[string]int {
	out := make(map[string]int)
	for _, e := range d.Entries {
		out[e.Token]++
	}
	return out
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
