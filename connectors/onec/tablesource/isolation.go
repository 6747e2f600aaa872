package tablesource

import (
	"context"
	"fmt"
	"strings"

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
	set   string                                    // run first in each one; "" keeps READ COMMITTED
}

// dbReads opens read transactions on db, running set first in each.
func dbReads(db *common.DB, set string) readTxs {
	return readTxs{set: set, begin: func(ctx context.Context) (readTx, error) {
		tx, err := db.Begin(ctx)
		if err != nil {
			return nil, err
		}
		return tx, nil
	}}
}

// start begins a read transaction. The isolation level is set before the
// first statement reads data: SQL Server takes a SNAPSHOT transaction's
// snapshot at its first data access, and refuses the switch after it.
// The level is a session setting there: it stays on the pooled connection
// after the transaction (harmless, every read transaction sets its own).
func (r readTxs) start(ctx context.Context) (readTx, error) {
	tx, err := r.begin(ctx)
	if err != nil {
		return nil, err
	}
	if r.set != "" {
		if _, err := tx.Querier().Exec(ctx, r.set); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("%s: %w", r.set, err)
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
