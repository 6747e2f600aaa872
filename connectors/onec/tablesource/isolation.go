package tablesource

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// Read consistency. A page (and a batch of changed rows in incremental
// mode) is read by several statements in one transaction: the objects'
// rows, then the rows of their tabular sections. At READ COMMITTED each
// statement sees the data committed when it starts, so a 1C write that
// commits between them gives a record with the new header and the old
// tabular-section rows (or the reverse). Each read transaction therefore
// runs in one snapshot where the database offers one:
//   - PostgreSQL: REPEATABLE READ (a read-only transaction never fails
//     with a serialization error there);
//   - SQL Server: SNAPSHOT when the database allows it
//     (ALLOW_SNAPSHOT_ISOLATION ON, read from sys.databases when the task
//     opens the database); otherwise READ COMMITTED as before, with one
//     warning at start saying what can happen and how to turn it on.

// Statements of the read transactions.
const (
	setRepeatableRead = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
	setSnapshot       = "SET TRANSACTION ISOLATION LEVEL SNAPSHOT"
	// setReadCommitted undoes a SNAPSHOT level left on a pooled SQL
	// Server connection, once SNAPSHOT was given up.
	setReadCommitted = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"
	// snapshotStateSQL reads whether the current SQL Server database
	// allows SNAPSHOT transactions (1 = ON) and its name. Every login
	// sees the row of the database it is connected to.
	snapshotStateSQL = "SELECT CAST(snapshot_isolation_state AS int), name FROM sys.databases WHERE database_id = DB_ID()"
)

// snapshotState is sys.databases.snapshot_isolation_state.
type snapshotState int64

const (
	snapshotUnknown snapshotState = -1 // the row could not be read
	snapshotOff     snapshotState = 0
	snapshotOn      snapshotState = 1
)

func (s snapshotState) String() string {
	switch s {
	case snapshotOff:
		return "OFF"
	case snapshotOn:
		return "ON"
	case 2:
		return "IN_TRANSITION_TO_OFF"
	case 3:
		return "IN_TRANSITION_TO_ON"
	}
	return "unknown"
}

// readIsolation decides how read transactions are made one snapshot: set
// is the statement each runs first ("" keeps READ COMMITTED); warning,
// when not empty, is to be logged once at start. state and database are
// what snapshotStateSQL returned (SQL Server only).
func readIsolation(d dialect.Dialect, state snapshotState, database string) (set, warning string) {
	switch d.Name() {
	case dialect.NamePostgres:
		return setRepeatableRead, ""
	case dialect.NameSQLServer:
		if state == snapshotOn {
			return setSnapshot, ""
		}
		db := "CURRENT"
		if database != "" {
			db = "[" + strings.ReplaceAll(database, "]", "]]") + "]"
		}
		return "", fmt.Sprintf("SQL Server snapshot isolation is not allowed in this database (snapshot_isolation_state %s): "+
			"pages are read at READ COMMITTED, an object's row and the rows of its tabular sections by separate statements, "+
			"so a 1C write committing between them can give a record with the new header and the old tabular-section rows "+
			"until the object is read again; to read each page from one snapshot run ALTER DATABASE %s SET ALLOW_SNAPSHOT_ISOLATION ON "+
			"and restart the connector", state, db)
	}
	return "", ""
}

// readTx is what a read needs of a transaction; *common.Tx has it.
type readTx interface {
	Querier() dialect.Querier
	FastQuerier() dialect.Querier
	Commit(ctx context.Context) error
	Rollback() error
}

// readTxs opens the read transactions of pages and changed rows.
type readTxs struct {
	begin func(ctx context.Context) (readTx, error) // a READ COMMITTED transaction
	iso   *isoLevel                                 // shared by the task and its read-ahead goroutine
}

// isoLevel is the statement each read transaction runs first ("" keeps
// READ COMMITTED). A database that stops allowing snapshot isolation while
// the task runs (ALTER DATABASE … SET ALLOW_SNAPSHOT_ISOLATION OFF) fails
// SNAPSHOT transactions with error 3952 at their first read; the level
// then drops to READ COMMITTED for the rest of the task's life (the next
// start reads sys.databases again) and onDrop is called once.
type isoLevel struct {
	mu      sync.Mutex
	set     string
	wasDrop bool // SNAPSHOT was given up
	onDrop  func(err error)
}

func (l *isoLevel) current() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.set
}

// dropped reports whether SNAPSHOT was given up.
func (l *isoLevel) dropped() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.wasDrop
}

// drop switches from SNAPSHOT to READ COMMITTED after err (once).
func (l *isoLevel) drop(err error) {
	l.mu.Lock()
	dropped := l.set == setSnapshot
	if dropped {
		l.set, l.wasDrop = "", true
	}
	l.mu.Unlock()
	if dropped && l.onDrop != nil {
		l.onDrop(err)
	}
}

// newReadTxs opens read transactions with begin, running set first in
// each; onDrop (may be nil) hears when SNAPSHOT is given up.
func newReadTxs(begin func(ctx context.Context) (readTx, error), set string, onDrop func(err error)) readTxs {
	return readTxs{begin: begin, iso: &isoLevel{set: set, onDrop: onDrop}}
}

// dbReads opens read transactions on db (see newReadTxs).
func dbReads(db *common.DB, set string, onDrop func(err error)) readTxs {
	return newReadTxs(func(ctx context.Context) (readTx, error) {
		tx, err := db.Begin(ctx)
		if err != nil {
			return nil, err
		}
		return tx, nil
	}, set, onDrop)
}

// sqlServerSnapshotNotAllowed is SQL Server's error 3952: a SNAPSHOT
// transaction read a database that does not allow snapshot isolation.
const sqlServerSnapshotNotAllowed = 3952

// snapshotNotAllowed reports whether err is SQL Server's error 3952.
func snapshotNotAllowed(err error) bool {
	var me mssql.Error
	return errors.As(err, &me) && me.Number == sqlServerSnapshotNotAllowed
}

// run runs f in one read transaction and commits it. When a SNAPSHOT
// transaction fails because the database no longer allows snapshot
// isolation, the level drops to READ COMMITTED and f runs once more in a
// new transaction (f must not keep anything of a failed run).
func (r readTxs) run(ctx context.Context, f func(tx readTx) error) error {
	for retried := false; ; retried = true {
		set := r.iso.current()
		err := r.runAt(ctx, set, f)
		if err != nil && set == setSnapshot && !retried && snapshotNotAllowed(err) {
			r.iso.drop(err)
			continue
		}
		return err
	}
}

// runAt runs f in a transaction that runs set first.
func (r readTxs) runAt(ctx context.Context, set string, f func(tx readTx) error) error {
	tx, err := r.startAt(ctx, set)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := f(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// start begins a read transaction at the current level (see startAt).
func (r readTxs) start(ctx context.Context) (readTx, error) {
	return r.startAt(ctx, r.iso.current())
}

// startAt begins a read transaction. The isolation level is set before the
// first statement reads data: SQL Server takes a SNAPSHOT transaction's
// snapshot at its first data access, and refuses the switch after it.
// The level is a session setting there: it stays on the pooled connection
// after the transaction (harmless, every read transaction sets its own,
// READ COMMITTED included once SNAPSHOT was given up).
func (r readTxs) startAt(ctx context.Context, set string) (readTx, error) {
	tx, err := r.begin(ctx)
	if err != nil {
		return nil, err
	}
	stmt := set
	if stmt == "" && r.iso.dropped() {
		stmt = setReadCommitted
	}
	if stmt != "" {
		if _, err := tx.Querier().Exec(ctx, stmt); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return tx, nil
}

// readSnapshotState reads snapshotStateSQL (SQL Server).
func readSnapshotState(ctx context.Context, db *common.DB) (snapshotState, string, error) {
	row, err := db.QueryRow(ctx, 2, snapshotStateSQL)
	if err != nil {
		return snapshotUnknown, "", fmt.Errorf("read snapshot_isolation_state from sys.databases: %w", err)
	}
	if row == nil {
		return snapshotUnknown, "", nil
	}
	name, _ := row[1].(string)
	switch v := row[0].(type) {
	case int64:
		return snapshotState(v), name, nil
	case int32:
		return snapshotState(v), name, nil
	}
	return snapshotUnknown, name, nil
}
