package common

import (
	"context"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// pgPool is a small pool of pgx connections: at most max open, idle ones
// reused, a connection that saw an error closed rather than reused. It is
// enough for a task (one connection per open batch transaction plus a few
// autocommit statements) without pulling in pgxpool's dependencies.
type pgPool struct {
	cfg  *pgx.ConnConfig
	sem  chan struct{} // one token per open connection
	mu   sync.Mutex
	idle []*pgx.Conn
	done bool
}

func newPGPool(cfg *pgx.ConnConfig, max int) *pgPool {
	return &pgPool{cfg: cfg, sem: make(chan struct{}, max)}
}

// acquire returns an idle connection or opens one, waiting for a free slot
// within ctx.
func (p *pgPool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a database connection: %w", ctx.Err())
	}
	p.mu.Lock()
	if p.done {
		p.mu.Unlock()
		<-p.sem
		return nil, fmt.Errorf("database pool closed")
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if !c.IsClosed() {
			return c, nil
		}
	} else {
		p.mu.Unlock()
	}
	c, err := pgx.ConnectConfig(ctx, p.cfg)
	if err != nil {
		<-p.sem
		return nil, fmt.Errorf("connect to %s:%d/%s: %w", p.cfg.Host, p.cfg.Port, p.cfg.Database, err)
	}
	return c, nil
}

// release gives c back; after an error the connection is closed, since
// its state is unknown.
func (p *pgPool) release(c *pgx.Conn, err error) {
	p.mu.Lock()
	keep := err == nil && !p.done && !c.IsClosed() && c.PgConn().TxStatus() == 'I'
	if keep {
		p.idle = append(p.idle, c)
	}
	p.mu.Unlock()
	if !keep {
		ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		_ = c.Close(ctx)
		cancel()
	}
	<-p.sem
}

// close closes idle connections; busy ones close on release.
func (p *pgPool) close() {
	p.mu.Lock()
	p.done = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		_ = c.Close(ctx)
		cancel()
	}
}
