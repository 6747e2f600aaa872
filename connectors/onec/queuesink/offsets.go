package queuesink

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// The connector's own objects in the infobase database. They carry the
// onec_ prefix every object this project creates must have, live in a
// schema of their own, and are created on first start.
const (
	// OffsetsSchema is the schema holding the offsets table and the
	// sequences.
	OffsetsSchema = "onec_connect"
	// OffsetsTable stores, per connector, topic and partition, the next
	// Kafka offset to consume: the position after the last record whose
	// row (or dead-letter copy) is committed in the register.
	OffsetsTable = OffsetsSchema + ".onec_sink_offsets"
)

// Columns of the offsets table.
const (
	colConnector = "onec_connector"
	colTopic     = "onec_topic"
	colPartition = "onec_partition"
	colNext      = "onec_next_offset"
	colUpdated   = "onec_updated"
)

// maxConnectorName is the longest connector name the offsets table keys
// (SQL Server limits an index key to 900 bytes).
const maxConnectorName = 150

// offsetSQL is the SQL of the offsets table in one dialect. Every
// statement takes values as parameters only.
type offsetSQL struct {
	// lock serialises the creation of our objects between tasks (run in
	// the creating transaction).
	lock string
	// exists answers one row, one column, when the relation named by the
	// parameter exists (NULL or no row otherwise).
	exists string
	// createSchema and createTable create the objects when missing.
	createSchema string
	createTable  string
	// load: (connector) → rows (topic, partition, next offset).
	load string
	// update: (connector, topic, partition, next, expected) → 1 row when
	// the stored offset still is the expected one.
	update string
	// insert: (connector, topic, partition, next) → 1 row when no offset
	// was stored yet.
	insert string
	// remove: (connector, topic, partition) deletes a stored offset.
	remove string
}

// offsetStatements builds the offsets-table SQL for d.
func offsetStatements(d dialect.Dialect) (offsetSQL, error) {
	q := func(name string) string {
		s, err := d.QuoteIdent(name)
		if err != nil {
			panic(err) // the names are constants of this file
		}
		return s
	}
	tbl, sch := q(OffsetsTable), q(OffsetsSchema)
	c, t, p, n, u := q(colConnector), q(colTopic), q(colPartition), q(colNext), q(colUpdated)
	key := fmt.Sprintf("%s = %s AND %s = %s AND %s = %s", c, d.Placeholder(1), t, d.Placeholder(2), p, d.Placeholder(3))
	var s offsetSQL
	switch d.Name() {
	case dialect.NamePostgres:
		s = offsetSQL{
			lock:         "SELECT pg_advisory_xact_lock(hashtext('" + OffsetsSchema + "'))",
			exists:       "SELECT to_regclass($1)::text",
			createSchema: "CREATE SCHEMA IF NOT EXISTS " + sch,
			createTable: "CREATE TABLE IF NOT EXISTS " + tbl + " (" + c + " text NOT NULL, " + t + " text NOT NULL, " + p + " integer NOT NULL, " +
				n + " bigint NOT NULL, " + u + " timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'), PRIMARY KEY (" + c + ", " + t + ", " + p + "))",
			update: "UPDATE " + tbl + " SET " + n + " = $4, " + u + " = (now() AT TIME ZONE 'UTC') WHERE " + key + " AND " + n + " = $5",
			insert: "INSERT INTO " + tbl + " (" + c + ", " + t + ", " + p + ", " + n + ") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
		}
	case dialect.NameSQLServer:
		s = offsetSQL{
			lock: "DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'" + OffsetsSchema + "', @LockMode = N'Exclusive', " +
				"@LockOwner = N'Transaction', @LockTimeout = 60000; IF @r < 0 THROW 50001, N'lock " + OffsetsSchema + ": timed out', 1",
			exists:       "SELECT OBJECT_ID(@p1)",
			createSchema: "IF SCHEMA_ID(N'" + OffsetsSchema + "') IS NULL EXEC(N'CREATE SCHEMA " + sch + "')",
			createTable: "IF OBJECT_ID(N'" + tbl + "', N'U') IS NULL CREATE TABLE " + tbl + " (" + c + " nvarchar(150) NOT NULL, " +
				t + " nvarchar(249) NOT NULL, " + p + " int NOT NULL, " + n + " bigint NOT NULL, " + u + " datetime2(0) NOT NULL CONSTRAINT " +
				q("onec_sink_offsets_updated") + " DEFAULT SYSUTCDATETIME(), CONSTRAINT " + q("onec_sink_offsets_pk") +
				" PRIMARY KEY (" + c + ", " + t + ", " + p + "))",
			update: "UPDATE " + tbl + " SET " + n + " = @p4, " + u + " = SYSUTCDATETIME() WHERE " + key + " AND " + n + " = @p5",
			insert: "INSERT INTO " + tbl + " (" + c + ", " + t + ", " + p + ", " + n + ") SELECT @p1, @p2, @p3, @p4 WHERE NOT EXISTS " +
				"(SELECT 1 FROM " + tbl + " WITH (UPDLOCK, HOLDLOCK) WHERE " + key + ")",
		}
	default:
		return s, fmt.Errorf("offsets table: dialect %s: %w", d.Name(), dialect.ErrUnknownDialect)
	}
	s.load = "SELECT " + t + ", " + p + ", " + n + " FROM " + tbl + " WHERE " + c + " = " + d.Placeholder(1)
	s.remove = "DELETE FROM " + tbl + " WHERE " + key
	return s, nil
}

// ensureObjects creates the schema, the offsets table and the sequence
// (seq, "" for none) unless they exist, in one short transaction holding
// a lock that serialises concurrent first starts. Existing objects need
// no privilege beyond using them.
func ensureObjects(ctx context.Context, db *common.DB, s offsetSQL, seq string) error {
	d := db.Dialect()
	has := func(name string) (bool, error) {
		quoted, err := d.QuoteIdent(name)
		if err != nil {
			return false, err
		}
		row, err := db.QueryRow(ctx, 1, s.exists, quoted)
		if err != nil {
			return false, fmt.Errorf("look up %s: %w", name, err)
		}
		return row != nil && row[0] != nil, nil
	}
	hasTable, err := has(OffsetsTable)
	if err != nil {
		return err
	}
	hasSeq := true
	if seq != "" {
		if hasSeq, err = has(seq); err != nil {
			return err
		}
	}
	if hasTable && hasSeq {
		return nil
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := []dialect.Stmt{{SQL: s.lock}, {SQL: s.createSchema}, {SQL: s.createTable}}
	if seq != "" {
		st, err := d.CreateSequenceIfMissing(seq)
		if err != nil {
			return err
		}
		stmts = append(stmts, st)
	}
	for _, st := range stmts {
		if _, err := tx.Querier().Exec(ctx, st.SQL, st.Args...); err != nil {
			return fmt.Errorf("create the connector's objects in schema %s (needs CREATE on the database the first time; "+
				"see the connector documentation to create them in advance): %w", OffsetsSchema, err)
		}
	}
	return tx.Commit(ctx)
}

// storedOffset is what the offsets table holds for one partition.
type storedOffset struct {
	next  int64
	known bool // false: no row yet
}

// loadOffsets reads the stored offsets of connector for the partitions.
func loadOffsets(ctx context.Context, db *common.DB, s offsetSQL, connector string, parts []connect.TopicPartition) (map[connect.TopicPartition]storedOffset, error) {
	want := make(map[connect.TopicPartition]bool, len(parts))
	for _, tp := range parts {
		want[tp] = true
	}
	out := make(map[connect.TopicPartition]storedOffset, len(parts))
	for _, tp := range parts {
		out[tp] = storedOffset{}
	}
	err := db.With(ctx, func(q dialect.Querier) error {
		rows, err := q.Query(ctx, s.load, connector)
		if err != nil {
			return err
		}
		defer rows.Close()
		raw := make([]any, 3)
		for rows.Next() {
			if err := rows.Scan(raw); err != nil {
				return err
			}
			topic, ok := raw[0].(string)
			if !ok {
				return fmt.Errorf("topic of type %T", raw[0])
			}
			part, err1 := asInt64(raw[1])
			next, err2 := asInt64(raw[2])
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			tp := connect.TopicPartition{Topic: topic, Partition: int32(part)}
			if want[tp] {
				out[tp] = storedOffset{next: next, known: true}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read stored offsets from %s: %w", OffsetsTable, err)
	}
	return out, nil
}

func asInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int:
		return int64(x), nil
	case int16:
		return int64(x), nil
	}
	return 0, fmt.Errorf("integer of type %T", v)
}

// offsetMove is the advance of one partition's stored offset inside a
// write transaction: from the value the task last saw (the fence) to next.
type offsetMove struct {
	tp   connect.TopicPartition
	from storedOffset
	next int64
}

// moveOffsets applies the moves in q's transaction, one statement each. A
// stored offset that is no longer the one the task last saw means another
// writer owns the partition now: ErrFenced, and the caller rolls back.
func moveOffsets(ctx context.Context, q dialect.Querier, s offsetSQL, connector string, moves []offsetMove) error {
	for _, m := range moves {
		sql, args := moveStatement(s, connector, m)
		n, err := q.Exec(ctx, sql, args...)
		if err := checkMove(m, n, err); err != nil {
			return err
		}
	}
	return nil
}

// moveStatement is the statement applying m: the fenced update, or the
// insert of a partition with no stored offset yet. It affects one row
// unless the fence fails.
func moveStatement(s offsetSQL, connector string, m offsetMove) (string, []any) {
	if m.from.known {
		return s.update, []any{connector, m.tp.Topic, int64(m.tp.Partition), m.next, m.from.next}
	}
	return s.insert, []any{connector, m.tp.Topic, int64(m.tp.Partition), m.next}
}

// checkMove turns the outcome of m's statement (rows affected, error) into
// nil, the statement's error, or ErrFenced.
func checkMove(m offsetMove, affected int64, err error) error {
	if err != nil {
		return fmt.Errorf("store offset %d of %s: %w", m.next, m.tp, err)
	}
	if affected != 1 {
		was := "no stored offset"
		if m.from.known {
			was = fmt.Sprintf("stored offset %d", m.from.next)
		}
		return fmt.Errorf("%s: expected %s: %w", m.tp, was, ErrFenced)
	}
	return nil
}

// checkConnectorName refuses names the offsets table cannot key.
func checkConnectorName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("empty connector name")
	}
	if n := len([]rune(name)); n > maxConnectorName {
		return fmt.Errorf("connector name of %d characters: the offsets table %s keys at most %d", n, OffsetsTable, maxConnectorName)
	}
	return nil
}
