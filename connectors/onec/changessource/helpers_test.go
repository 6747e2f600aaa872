package changessource

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// tradeDB builds onectest.Trade in a fresh database.
func tradeDB(t *testing.T) (context.Context, *pgxpool.Pool, *onectest.Built, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	dsn := testkit.Postgres(t)
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	b, err := onectest.Build(ctx, pool, onectest.Trade())
	if err != nil {
		t.Fatal(err)
	}
	return ctx, pool, b, dsn
}

// connProps splits a superuser test URL into the connector's keys.
func connProps(t *testing.T, dsn string) map[string]string {
	t.Helper()
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return props
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// reRegister does what the platform does when an object already
// registered for the node is written again: _MessageNo back to NULL (or a
// new registration when none exists).
func reRegister(t *testing.T, ctx context.Context, db *pgxpool.Pool, b *onectest.Built, fullName string, ref onectest.Reference) {
	t.Helper()
	ol, err := b.Object(fullName)
	must(t, err)
	node, err := b.NodeRef("ПланОбмена.Kafka", "KAFKA")
	must(t, err)
	tag, err := db.Exec(ctx, fmt.Sprintf("UPDATE %s SET _messageno = NULL WHERE _idrref = $1 AND _noderref = $2", ol.ChangeTable.PG()), ref.ID, node)
	must(t, err)
	if tag.RowsAffected() == 0 {
		must(t, b.RegisterChange(ctx, db, "ПланОбмена.Kafka", "KAFKA", fullName, onectest.Row{"Ссылка": ref}))
	}
}

// pendingCount counts the registrations of a node in an object's change table.
func pendingCount(t *testing.T, ctx context.Context, db *pgxpool.Pool, b *onectest.Built, fullName, code string) int {
	t.Helper()
	ol, err := b.Object(fullName)
	must(t, err)
	node, err := b.NodeRef("ПланОбмена.Kafka", code)
	must(t, err)
	var n int
	must(t, db.QueryRow(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE _noderref = $1", ol.ChangeTable.PG()), node).Scan(&n))
	return n
}

// fakeTaskContext is a SourceTaskContext over an in-memory offset map.
type fakeTaskContext struct{ connecttest.SourceContext }

// commit stores the offsets of acknowledged records, as the worker does.
func (f *fakeTaskContext) commit(recs []*connect.SourceRecord) { f.Commit(recs) }
