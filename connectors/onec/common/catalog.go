package common

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// Catalog is the metadata of one infobase, reloaded when the configuration
// changes. Checking for a change is one cheap query (the configuration
// fingerprint); the full reload happens only when it differs. Snapshot is
// safe for concurrent use; MaybeRefresh and Watch may run concurrently (the
// reader serialises reloads).
type Catalog struct {
	r        *metadata.Reader
	interval time.Duration

	mu   sync.Mutex
	last time.Time
}

// OpenCatalog loads the metadata of the infobase; ctx bounds the
// connection and the first load.
func OpenCatalog(ctx context.Context, cfg Database, log *slog.Logger) (*Catalog, error) {
	r, err := metadata.Open(ctx, cfg.DSN(), metadata.LoadOptions{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("read 1C metadata from %s: %s", cfg.Redacted(), redactErr(err, cfg.DSN()))
	}
	return &Catalog{r: r, interval: cfg.RefreshInterval, last: time.Now()}, nil
}

// NewCatalog wraps an existing reader (tests, or a reader shared by
// several users).
func NewCatalog(r *metadata.Reader, interval time.Duration) *Catalog {
	return &Catalog{r: r, interval: interval, last: time.Now()}
}

// Snapshot returns the current metadata.
func (c *Catalog) Snapshot() *metadata.Infobase { return c.r.Snapshot() }

// MaybeRefresh checks the fingerprint when the refresh interval has passed
// since the last check (never when the interval is 0) and reloads on a
// change. It reports whether a new snapshot is in place.
func (c *Catalog) MaybeRefresh(ctx context.Context) (bool, error) {
	if c.interval <= 0 {
		return false, nil
	}
	c.mu.Lock()
	due := time.Since(c.last) >= c.interval
	if due {
		c.last = time.Now()
	}
	c.mu.Unlock()
	if !due {
		return false, nil
	}
	return c.r.Refresh(ctx)
}

// Refresh checks for a change now.
func (c *Catalog) Refresh(ctx context.Context) (bool, error) {
	c.mu.Lock()
	c.last = time.Now()
	c.mu.Unlock()
	return c.r.Refresh(ctx)
}

// Watch checks every refresh interval until ctx ends and calls onChange
// with each new snapshot and onError with failed checks (both may be nil).
// It returns at once when the interval is 0.
func (c *Catalog) Watch(ctx context.Context, onChange func(*metadata.Infobase), onError func(error)) {
	if c.interval <= 0 {
		return
	}
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			changed, err := c.Refresh(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				if onError != nil {
					onError(err)
				}
			case changed && onChange != nil:
				onChange(c.Snapshot())
			}
		}
	}
}

// Close releases the metadata connection.
func (c *Catalog) Close() error { return c.r.Close() }
