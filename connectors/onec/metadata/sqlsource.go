package metadata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// sqlDialect holds the few SQL texts the reader needs per DBMS.
type sqlDialect struct {
	dbms DBMS
	// files returns the query reading the named rows of table, with its
	// arguments; it returns FileName, PartNo, DataSize, BinaryData ordered by
	// FileName, PartNo.
	files func(table FileTable, names []string) (string, []any)
	// yearOffsetExists answers one row, non-NULL when _YearOffset exists.
	yearOffsetExists string
	yearOffset       string
	// fingerprint answers one row of one text column.
	fingerprint string
}

var pgDialect = sqlDialect{
	dbms: DBMSPostgres,
	files: func(t FileTable, names []string) (string, []any) {
		// filename is mvarchar on real bases: compare as text (§7.2).
		return "SELECT filename::text, partno, datasize, binarydata FROM " + strings.ToLower(t.String()) +
			" WHERE filename::text = ANY($1::text[]) ORDER BY filename::text, partno", []any{names}
	},
	yearOffsetExists: "SELECT to_regclass('_yearoffset')::text",
	yearOffset:       "SELECT ofset FROM _yearoffset LIMIT 1",
	fingerprint: "SELECT (SELECT count(*) FROM config)::text || '|' || coalesce((SELECT max(modified) FROM config)::text, '') || '|' || " +
		"coalesce((SELECT max(modified)::text || '/' || sum(datasize)::text FROM params WHERE filename::text IN ('DBNames', 'DBNamesVersion-DBNames')), '')",
}

var msDialect = sqlDialect{
	dbms: DBMSSQLServer,
	files: func(t FileTable, names []string) (string, []any) {
		var b strings.Builder
		args := make([]any, len(names))
		b.WriteString("SELECT FileName, PartNo, CAST(DataSize AS bigint), BinaryData FROM ")
		b.WriteString(t.String())
		b.WriteString(" WHERE FileName IN (")
		for i, n := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "@p%d", i+1)
			args[i] = n
		}
		b.WriteString(") ORDER BY FileName, PartNo")
		return b.String(), args
	},
	yearOffsetExists: "SELECT CAST(OBJECT_ID('_YearOffset', 'U') AS varchar(20))",
	yearOffset:       "SELECT TOP 1 [Offset] FROM _YearOffset",
	fingerprint: "SELECT CAST((SELECT COUNT(*) FROM Config) AS varchar(20)) + '|' + COALESCE(CONVERT(varchar(33), (SELECT MAX(Modified) FROM Config), 126), '') + '|' + " +
		"COALESCE((SELECT CONVERT(varchar(33), MAX(Modified), 126) + '/' + CAST(SUM(CAST(DataSize AS bigint)) AS varchar(20)) FROM Params WHERE FileName IN ('DBNames', 'DBNamesVersion-DBNames')), '')",
}

// conn is what the source needs of a connection: *sql.DB (SQL Server) and
// *pgx.Conn (PostgreSQL) are adapted to it.
type conn interface {
	query(ctx context.Context, q string, args ...any) (rowsScanner, error)
	queryRow(ctx context.Context, q string, args ...any) rowScanner
}

type rowsScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

type sqlDB struct{ db *sql.DB }

func (s sqlDB) query(ctx context.Context, q string, args ...any) (rowsScanner, error) {
	return s.db.QueryContext(ctx, q, args...)
}

func (s sqlDB) queryRow(ctx context.Context, q string, args ...any) rowScanner {
	return s.db.QueryRowContext(ctx, q, args...)
}

type rowScanner interface{ Scan(dest ...any) error }

// sqlSource reads file rows through database/sql.
type sqlSource struct {
	db    conn
	d     sqlDialect
	close func() error
}

// maxMSParams keeps SQL Server under its 2,100-parameter limit.
const maxMSParams = 2000

func (s *sqlSource) DBMS() DBMS { return s.d.dbms }

func (s *sqlSource) ReadFiles(ctx context.Context, t FileTable, names []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(names))
	for len(names) > 0 {
		n := min(len(names), maxMSParams)
		q, args := s.d.files(t, names[:n])
		names = names[n:]
		if err := s.readFiles(ctx, q, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *sqlSource) readFiles(ctx context.Context, q string, args []any, out map[string][]byte) error {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query file rows: %w", err)
	}
	if c, ok := rows.(interface{ Close() error }); ok {
		defer c.Close()
	} else if c, ok := rows.(interface{ Close() }); ok {
		defer c.Close()
	}
	next := map[string]int{} // the PartNo expected next per file
	for rows.Next() {
		var (
			name string
			part int
			size int64
			data []byte
		)
		if err := rows.Scan(&name, &part, &size, &data); err != nil {
			return fmt.Errorf("scan file row: %w", err)
		}
		if err := appendPart(out, next, name, part, size, data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read file rows: %w", err)
	}
	return nil
}

// appendPart joins multi-part files (§1.2): parts in PartNo order, each cut
// to its DataSize.
func appendPart(out map[string][]byte, next map[string]int, name string, part int, size int64, data []byte) error {
	if part != next[name] {
		return fmt.Errorf("file %q: part %d where %d was expected", name, part, next[name])
	}
	if size < 0 || size > int64(len(data)) {
		return fmt.Errorf("file %q part %d: DataSize %d but %d bytes stored", name, part, size, len(data))
	}
	if size > MaxBodySize || int64(len(out[name]))+size > MaxBodySize {
		return fmt.Errorf("file %q: %w", name, ErrBodyTooLarge)
	}
	out[name] = append(out[name], data[:size]...)
	next[name] = part + 1
	return nil
}

func (s *sqlSource) YearOffset(ctx context.Context) (int, error) {
	var exists sql.NullString
	if err := s.db.queryRow(ctx, s.d.yearOffsetExists).Scan(&exists); err != nil {
		return 0, fmt.Errorf("look up _YearOffset: %w", err)
	}
	if !exists.Valid {
		return -1, nil
	}
	var off int
	err := s.db.queryRow(ctx, s.d.yearOffset).Scan(&off)
	if errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read _YearOffset: %w", err)
	}
	return off, nil
}

func (s *sqlSource) Fingerprint(ctx context.Context) (string, error) {
	var fp string
	if err := s.db.queryRow(ctx, s.d.fingerprint).Scan(&fp); err != nil {
		return "", fmt.Errorf("configuration fingerprint: %w", err)
	}
	return fp, nil
}

type pgxConn struct{ c *pgx.Conn }

func (p pgxConn) query(ctx context.Context, q string, args ...any) (rowsScanner, error) {
	return p.c.Query(ctx, q, args...)
}

func (p pgxConn) queryRow(ctx context.Context, q string, args ...any) rowScanner {
	return p.c.QueryRow(ctx, q, args...)
}

// openPG connects with pgx. One connection suffices: the loader reads
// sequentially and Reader serialises refreshes.
func openPG(ctx context.Context, dsn string) (*sqlSource, error) {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("metadata: connect postgres: %w", err)
	}
	return &sqlSource{db: pgxConn{c}, d: pgDialect, close: func() error {
		return c.Close(context.Background())
	}}, nil
}
