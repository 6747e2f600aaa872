package metadata

import (
	"context"
	"errors"
)

// FileTable names a system table of file rows (§1.2).
type FileTable uint8

// File tables the reader uses. ConfigSave is deliberately absent: it holds
// unapplied changes and is never read.
const (
	TableConfig FileTable = iota
	TableParams
)

// String returns the table's name as on SQL Server.
func (t FileTable) String() string {
	if t == TableParams {
		return "Params"
	}
	return "Config"
}

// ErrNoFile is returned when a required file row does not exist.
var ErrNoFile = errors.New("metadata: file not found")

// Source gives the loader access to an infobase's file rows. Implementations
// exist for PostgreSQL and SQL Server (Open) and for a .cf container
// (LoadCF); tests can supply bytes directly. Methods are called from one
// goroutine at a time and must honour ctx.
type Source interface {
	// ReadFiles returns the stored bodies of the named rows of table: the
	// parts joined in PartNo order and cut to DataSize, still encoded (see
	// InflateBody). Names that do not exist are absent from the map.
	ReadFiles(ctx context.Context, table FileTable, names []string) (map[string][]byte, error)
	// DBMS tells where the data lives (DBMSNone for a .cf file: no DBNames,
	// no physical names).
	DBMS() DBMS
	// YearOffset returns the _YearOffset value (§7.4): 0 or 2000, -1 when
	// the table does not exist.
	YearOffset(ctx context.Context) (int, error)
	// Fingerprint returns a cheap stamp that changes whenever the
	// configuration may have changed ("" when it never changes).
	Fingerprint(ctx context.Context) (string, error)
}
