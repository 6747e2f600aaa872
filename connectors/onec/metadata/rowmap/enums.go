package rowmap

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// EnumResolver maps enum value references to value names and back.
// Implementations must be safe for concurrent use.
type EnumResolver interface {
	// ValueName returns the name of the value of enum whose reference
	// (_IDRRef, canonical UUID) is id.
	ValueName(enum *metadata.Object, id uuid1c.UUID) (string, bool)
	// ValueID returns the reference of the value of enum named name
	// (case-insensitive).
	ValueID(enum *metadata.Object, name string) (uuid1c.UUID, bool)
}

// enumTable is an immutable EnumResolver: per enum UUID, id → name and
// lower-case name → id.
type enumTable struct {
	names map[uuid1c.UUID]map[uuid1c.UUID]string
	ids   map[uuid1c.UUID]map[string]uuid1c.UUID
	// boxed is names with the names boxed once, for the row mapper.
	boxed map[uuid1c.UUID]map[uuid1c.UUID]any
}

func (e *enumTable) ValueName(enum *metadata.Object, id uuid1c.UUID) (string, bool) {
	n, ok := e.names[enum.UUID][id]
	return n, ok
}

func (e *enumTable) ValueID(enum *metadata.Object, name string) (uuid1c.UUID, bool) {
	id, ok := e.ids[enum.UUID][lower(name)]
	return id, ok
}

func (e *enumTable) add(enum *metadata.Object, id uuid1c.UUID, name string) {
	if e.names[enum.UUID] == nil {
		e.names[enum.UUID] = map[uuid1c.UUID]string{}
		e.ids[enum.UUID] = map[string]uuid1c.UUID{}
		e.boxed[enum.UUID] = map[uuid1c.UUID]any{}
	}
	e.names[enum.UUID][id] = name
	e.boxed[enum.UUID][id] = name
	e.ids[enum.UUID][lower(name)] = id
}

func newEnumTable() *enumTable {
	return &enumTable{
		names: map[uuid1c.UUID]map[uuid1c.UUID]string{},
		ids:   map[uuid1c.UUID]map[string]uuid1c.UUID{},
		boxed: map[uuid1c.UUID]map[uuid1c.UUID]any{},
	}
}

// ModelEnums resolves enum values from the model: a value's UUID in the
// descriptor is the _IDRRef of its row (1c-layout.md §8.4).
func ModelEnums(ib *metadata.Infobase) EnumResolver {
	t := newEnumTable()
	for _, o := range ib.Objects {
		if o.Kind != metadata.KindEnum {
			continue
		}
		for _, v := range o.EnumValues {
			t.add(o, v.UUID, v.Name)
		}
	}
	return t
}

// EnumRow is one row of an enum table: _IDRRef as stored (1C byte order)
// and _EnumOrder.
type EnumRow struct {
	ID    []byte
	Order int
}

// EnumsFromRows builds a resolver from the rows of the enum tables, keyed
// by the enum's metadata UUID: a row's _EnumOrder selects the model's value
// (EnumValue.Order), whose name the row's _IDRRef then maps to. Use it when
// the rows, not the descriptors, are the authority for the references.
func EnumsFromRows(ib *metadata.Infobase, rows map[uuid1c.UUID][]EnumRow) (EnumResolver, error) {
	t := newEnumTable()
	for enumUUID, rs := range rows {
		o, ok := ib.ObjectByUUID(enumUUID)
		if !ok || o.Kind != metadata.KindEnum {
			return nil, fmt.Errorf("rowmap: %s is not an enum of the infobase", enumUUID)
		}
		for _, r := range rs {
			if len(r.ID) != 16 {
				return nil, fmt.Errorf("rowmap: %s: _IDRRef of %d bytes", o.FullName(), len(r.ID))
			}
			if r.Order < 0 || r.Order >= len(o.EnumValues) {
				return nil, fmt.Errorf("rowmap: %s: _EnumOrder %d outside the %d values of the configuration", o.FullName(), r.Order, len(o.EnumValues))
			}
			t.add(o, uuid1c.FromDB([16]byte(r.ID)), o.EnumValues[r.Order].Name)
		}
	}
	return t, nil
}

// PGXQuerier is what LoadEnumsPG needs: *pgx.Conn, *pgxpool.Pool and pgx.Tx
// have it.
type PGXQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// SQLQuerier is what LoadEnumsSQL needs: *sql.DB, *sql.Conn and *sql.Tx
// have it.
type SQLQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// LoadEnumsPG reads every enum table of a PostgreSQL infobase and returns
// EnumsFromRows of them.
func LoadEnumsPG(ctx context.Context, db PGXQuerier, ib *metadata.Infobase) (EnumResolver, error) {
	return loadEnums(ctx, ib, "SELECT _idrref, _enumorder::int FROM %s", func(ctx context.Context, q string) (rowScanner, error) {
		rows, err := db.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		return pgxRows{rows}, nil
	})
}

// LoadEnumsSQL reads every enum table of a SQL Server infobase and returns
// EnumsFromRows of them.
func LoadEnumsSQL(ctx context.Context, db SQLQuerier, ib *metadata.Infobase) (EnumResolver, error) {
	return loadEnums(ctx, ib, "SELECT _IDRRef, CAST(_EnumOrder AS int) FROM %s", func(ctx context.Context, q string) (rowScanner, error) {
		return db.QueryContext(ctx, q)
	})
}

type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() error { r.Rows.Close(); return nil }

func loadEnums(ctx context.Context, ib *metadata.Infobase, query string, run func(context.Context, string) (rowScanner, error)) (EnumResolver, error) {
	all := map[uuid1c.UUID][]EnumRow{}
	for _, o := range ib.Objects {
		if o.Kind != metadata.KindEnum {
			continue
		}
		if o.Table == "" {
			return nil, fmt.Errorf("rowmap: %s has no table (a model without DBNames)", o.FullName())
		}
		if !validTable(o.Table) {
			return nil, fmt.Errorf("rowmap: %s: unexpected table name %q", o.FullName(), o.Table)
		}
		rows, err := run(ctx, fmt.Sprintf(query, o.Table))
		if err != nil {
			return nil, fmt.Errorf("rowmap: read %s (%s): %w", o.FullName(), o.Table, err)
		}
		var rs []EnumRow
		for rows.Next() {
			var r EnumRow
			if err := rows.Scan(&r.ID, &r.Order); err != nil {
				rows.Close()
				return nil, fmt.Errorf("rowmap: read %s: %w", o.FullName(), err)
			}
			rs = append(rs, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("rowmap: read %s: %w", o.FullName(), err)
		}
		all[o.UUID] = rs
	}
	return EnumsFromRows(ib, all)
}

// validTable accepts the physical names the metadata package produces
// (_Enum12 / _enum12): the name goes into SQL text.
func validTable(s string) bool {
	if len(s) < 2 || s[0] != '_' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
