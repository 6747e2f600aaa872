package tablesource

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func tradeDB(t testing.TB) (context.Context, *pgxpool.Pool, *onectest.Built, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
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

func connProps(t testing.TB, dsn string) map[string]string {
	t.Helper()
	props, err := onectest.ConnectorDBProps(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return props
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeTaskContext stores offsets as the worker does after acks.
type fakeTaskContext struct {
	connecttest.SourceContext
	logs *connecttest.LogBuffer // where the task logs (warnings and up); nil: stderr
}

// Logger logs to logs when set.
func (f *fakeTaskContext) Logger() *slog.Logger {
	if f.logs != nil {
		f.Logs = f.logs
	}
	return f.SourceContext.Logger()
}

func (f *fakeTaskContext) commit(recs []*connect.SourceRecord) { f.Commit(recs) }

// stored returns the committed offset of an object's partition.
func (f *fakeTaskContext) stored(object string) map[string]any {
	o, _ := f.Offset(context.Background(), map[string]any{"object": object})
	return o
}
