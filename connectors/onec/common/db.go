package common

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/microsoft/go-mssqldb" // database/sql driver "sqlserver"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// OpenOptions tune Open.
type OpenOptions struct {
	// AppName is shown by the DBMS for the connections
	// (pg_stat_activity.application_name, SQL Server's program_name).
	AppName string
	// MaxConns bounds the pool (default 4).
	MaxConns int
}

// DB is an open infobase database: a pgx pool (PostgreSQL) or a
// database/sql pool with go-mssqldb (SQL Server). Safe for concurrent use.
type DB struct {
	dialect dialect.Dialect
	pool    *pgPool
	sqldb   *sql.DB
	cfg     Database
}

// Open connects to the database and checks the connection with a ping;
// ctx bounds both.
func Open(ctx context.Context, cfg Database, opts OpenOptions) (*DB, error) {
	d, err := dialect.For(cfg.Scheme)
	if err != nil {
		return nil, err
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 4
	}
	db := &DB{dialect: d, cfg: cfg}
	switch cfg.Scheme {
	case "postgres":
		pc, err := pgx.ParseConfig(cfg.DSN())
		if err != nil {
			return nil, fmt.Errorf("open %s: %s", cfg.Redacted(), redactErr(err, cfg.DSN()))
		}
		if opts.AppName != "" {
			pc.RuntimeParams["application_name"] = opts.AppName
		}
		db.pool = newPGPool(pc, opts.MaxConns)
	case "sqlserver":
		dsn := cfg.DSN()
		if opts.AppName != "" {
			u, _ := url.Parse(dsn)
			q := u.Query()
			if q.Get("app name") == "" {
				q.Set("app name", opts.AppName)
			}
			u.RawQuery = q.Encode()
			dsn = u.String()
		}
		sdb, err := sql.Open("sqlserver", dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", cfg.Redacted(), err)
		}
		sdb.SetMaxOpenConns(opts.MaxConns)
		db.sqldb = sdb
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Dialect returns the SQL dialect of the database.
func (db *DB) Dialect() dialect.Dialect { return db.dialect }

// Config returns the connection configuration.
func (db *DB) Config() Database { return db.cfg }

// With runs fn with a Querier on one connection of the pool (autocommit
// statements), then gives the connection back; a connection on which fn
// failed is closed rather than reused.
func (db *DB) With(ctx context.Context, fn func(q dialect.Querier) error) error {
	return db.WithConn(ctx, func(q dialect.Querier, _ *pgx.Conn) error { return fn(q) })
}

// WithConn is With that also hands fn the pgx connection on PostgreSQL
// (nil on SQL Server), for pgx-only fast paths.
func (db *DB) WithConn(ctx context.Context, fn func(q dialect.Querier, pg *pgx.Conn) error) error {
	if db.pool == nil {
		return fn(dialect.SQL(db.sqldb), nil)
	}
	c, err := db.pool.acquire(ctx)
	if err != nil {
		return err
	}
	err = fn(dialect.PGX(c), c)
	db.pool.release(c, err)
	return err
}

// Exec runs one autocommit statement.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	if db.pool != nil {
		c, err := db.pool.acquire(ctx)
		if err != nil {
			return 0, err
		}
		n, err := dialect.PGX(c).Exec(ctx, query, args...)
		db.pool.release(c, err)
		return n, err
	}
	return dialect.SQL(db.sqldb).Exec(ctx, query, args...)
}

// QueryRow runs one autocommit query returning one row of ncols raw
// values (nil, nil without rows).
func (db *DB) QueryRow(ctx context.Context, ncols int, query string, args ...any) ([]any, error) {
	var q dialect.Querier
	var c *pgx.Conn
	if db.pool != nil {
		var err error
		if c, err = db.pool.acquire(ctx); err != nil {
			return nil, err
		}
		q = dialect.PGX(c)
	} else {
		q = dialect.SQL(db.sqldb)
	}
	out, err := QueryRow(ctx, q, ncols, query, args...)
	if c != nil {
		db.pool.release(c, err)
	}
	return out, err
}

// QueryRow runs a query through q and returns the first row's ncols raw
// values (nil, nil without rows).
func QueryRow(ctx context.Context, q dialect.Querier, ncols int, query string, args ...any) ([]any, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	dst := make([]any, ncols)
	if err := rows.Scan(dst); err != nil {
		return nil, err
	}
	return dst, rows.Close()
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var err error
	if db.pool != nil {
		var c *pgx.Conn
		if c, err = db.pool.acquire(ctx); err == nil {
			err = c.Ping(ctx)
			db.pool.release(c, err)
		}
	} else {
		err = db.sqldb.PingContext(ctx)
	}
	if err != nil {
		return fmt.Errorf("ping %s: %w", db.cfg.Redacted(), err)
	}
	return nil
}

// Begin starts a READ COMMITTED transaction on a connection of its own.
func (db *DB) Begin(ctx context.Context) (*Tx, error) {
	if db.pool != nil {
		c, err := db.pool.acquire(ctx)
		if err != nil {
			return nil, fmt.Errorf("begin transaction: %w", err)
		}
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			db.pool.release(c, err)
			return nil, fmt.Errorf("begin transaction: %w", err)
		}
		return &Tx{q: dialect.PGX(tx), pg: tx, release: func(err error) { db.pool.release(c, err) }}, nil
	}
	tx, err := db.sqldb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelReadCommitted})
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return &Tx{q: dialect.SQL(tx), sql: tx}, nil
}

// Close closes the pool.
func (db *DB) Close() {
	if db.pool != nil {
		db.pool.close()
	}
	if db.sqldb != nil {
		_ = db.sqldb.Close()
	}
}

// Tx is one database transaction. It belongs to one goroutine at a time.
type Tx struct {
	q       dialect.Querier
	pg      pgx.Tx
	sql     *sql.Tx
	done    bool
	release func(error) // gives the pgx connection back to the pool
}

// Querier runs statements inside the transaction.
func (t *Tx) Querier() dialect.Querier { return t.q }

// FastQuerier runs statements inside the transaction like Querier; on
// PostgreSQL its Rows decode columns from their wire bytes
// (dialect.PGXFast), for reads of many rows.
func (t *Tx) FastQuerier() dialect.Querier {
	if t.pg != nil {
		return dialect.PGXFast(t.pg)
	}
	return t.q
}

// PGX returns the pgx transaction (nil on SQL Server).
func (t *Tx) PGX() pgx.Tx { return t.pg }

// Commit commits the transaction.
func (t *Tx) Commit(ctx context.Context) error {
	if t.done {
		return fmt.Errorf("commit: transaction already finished")
	}
	t.done = true
	var err error
	if t.pg != nil {
		err = t.pg.Commit(ctx)
		t.release(err)
	} else {
		err = t.sql.Commit()
	}
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Rollback rolls the transaction back; it is a no-op after Commit or a
// previous Rollback. It uses its own short timeout, so it also works when
// the caller's context is already cancelled.
func (t *Tx) Rollback() error {
	if t.done {
		return nil
	}
	t.done = true
	if t.pg != nil {
		ctx, cancel := context.WithTimeout(context.Background(), rollbackTimeout)
		defer cancel()
		err := t.pg.Rollback(ctx)
		t.release(err)
		return err
	}
	return t.sql.Rollback()
}

// rollbackTimeout bounds a rollback sent after the caller's context ended.
const rollbackTimeout = 5 * time.Second
