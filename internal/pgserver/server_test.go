package pgserver_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/internal/pgserver"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestStartQueryStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), pgserver.StartTimeout)
	defer cancel()
	s, err := pgserver.Start(ctx, pgserver.Options{DirPrefix: "onec-pgserver-test-"})
	if errors.Is(err, pgserver.ErrNoInitdb) {
		testkit.SkipOrFail(t, err.Error())
	}
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	defer func() {
		if !stopped {
			_ = s.Stop()
		}
	}()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatalf("connect %s: %v", s.URL("postgres"), err)
	}
	var tz string
	if err := conn.QueryRow(ctx, "SHOW timezone").Scan(&tz); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if tz != "UTC" {
		t.Errorf("timezone %q, want UTC", tz)
	}
	dir := s.Dir()
	stopped = true
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop (err %v)", dir, err)
	}
	if _, err := pgx.Connect(ctx, s.URL("postgres")); err == nil {
		t.Error("server still accepts connections after Stop")
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/a b": `'/tmp/a b'`,
		"it's":     `'it'\''s'`,
		"":         `''`,
	} {
		if got := pgserver.ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
