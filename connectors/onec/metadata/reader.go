package metadata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/microsoft/go-mssqldb" // database/sql driver "sqlserver"
)

// ErrUnsupportedDSN is returned by Open for a DSN that is neither
// postgres:// nor sqlserver://.
var ErrUnsupportedDSN = errors.New("metadata: unsupported DSN scheme (want postgres:// or sqlserver://)")

// Reader holds the current metadata snapshot of one infobase and reloads it
// when the configuration changes. Snapshot is safe for concurrent use and
// never blocks; Refresh and Run must not be called concurrently with each
// other. Close releases the database connection.
type Reader struct {
	src     Source
	closer  func() error
	opts    LoadOptions
	current atomic.Pointer[Infobase]
	mu      sync.Mutex // serialises Refresh
}

// Open connects to the infobase at dsn (postgres://… through pgx,
// sqlserver://… through go-mssqldb), loads the first snapshot and returns a
// Reader. ctx bounds the connection and the first load.
func Open(ctx context.Context, dsn string, opts LoadOptions) (*Reader, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		src, err := openPG(ctx, dsn)
		if err != nil {
			return nil, err
		}
		r, err := NewReader(ctx, src, opts)
		if err != nil {
			_ = src.close()
			return nil, err
		}
		r.closer = src.close
		return r, nil
	case strings.HasPrefix(dsn, "sqlserver://"):
		db, err := sql.Open("sqlserver", dsn)
		if err != nil {
			return nil, fmt.Errorf("metadata: open sqlserver: %w", err)
		}
		db.SetMaxOpenConns(2)
		r, err := NewReader(ctx, &sqlSource{db: sqlDB{db}, d: msDialect}, opts)
		if err != nil {
			db.Close()
			return nil, err
		}
		r.closer = db.Close
		return r, nil
	}
	return nil, ErrUnsupportedDSN
}

// NewReader loads the first snapshot from src and returns a Reader over it.
func NewReader(ctx context.Context, src Source, opts LoadOptions) (*Reader, error) {
	r := &Reader{src: src, opts: opts}
	ib, err := Load(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	r.current.Store(ib)
	return r, nil
}

// Snapshot returns the current immutable snapshot.
func (r *Reader) Snapshot() *Infobase { return r.current.Load() }

// Refresh compares the configuration fingerprint with the snapshot's and,
// when it differs, loads a new snapshot and swaps it in. Readers of the old
// snapshot are not disturbed. It reports whether a new snapshot was
// installed.
func (r *Reader) Refresh(ctx context.Context) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fp, err := r.src.Fingerprint(ctx)
	if err != nil {
		return false, fmt.Errorf("metadata: refresh: %w", err)
	}
	if fp == r.current.Load().Fingerprint {
		return false, nil
	}
	ib, err := Load(ctx, r.src, r.opts)
	if err != nil {
		return false, fmt.Errorf("metadata: refresh: %w", err)
	}
	r.current.Store(ib)
	return true, nil
}

// Run calls Refresh every interval until ctx ends; errors go to onError
// (may be nil) and the old snapshot stays in place. It returns ctx.Err().
func (r *Reader) Run(ctx context.Context, interval time.Duration, onError func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if _, err := r.Refresh(ctx); err != nil && onError != nil {
				onError(err)
			}
		}
	}
}

// Close releases the database connection opened by Open.
func (r *Reader) Close() error {
	if r.closer == nil {
		return nil
	}
	return r.closer()
}
