package tablesource

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/connect"
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
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	user := u.User.Username()
	pw, _ := u.User.Password()
	u.User = nil
	return map[string]string{"database.url": u.String(), "database.user": user, "database.password": pw}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fakeTaskContext stores offsets as the worker does after acks.
type fakeTaskContext struct {
	mu      sync.Mutex
	offsets map[string]map[string]any
	logs    *logBuffer // where the task logs (warnings and up); nil: stderr
}

func (f *fakeTaskContext) TaskID() connect.TaskID { return connect.TaskID{Connector: "table", Task: 0} }
func (f *fakeTaskContext) Logger() *slog.Logger {
	var w io.Writer = os.Stderr
	if f.logs != nil {
		w = f.logs
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// logBuffer collects log lines; safe for concurrent use.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
func (f *fakeTaskContext) OffsetStorageReader() connect.OffsetStorageReader { return f }
func (f *fakeTaskContext) Offset(ctx context.Context, p map[string]any) (map[string]any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.offsets[fmt.Sprint(p)], nil
}
func (f *fakeTaskContext) Offsets(ctx context.Context, ps []map[string]any) ([]map[string]any, error) {
	out := make([]map[string]any, len(ps))
	for i, p := range ps {
		out[i], _ = f.Offset(ctx, p)
	}
	return out, nil
}
func (f *fakeTaskContext) commit(recs []*connect.SourceRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offsets == nil {
		f.offsets = map[string]map[string]any{}
	}
	for _, r := range recs {
		f.offsets[fmt.Sprint(r.SourcePartition)] = r.SourceOffset
	}
}
