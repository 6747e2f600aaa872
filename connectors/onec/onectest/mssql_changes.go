package onectest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-sql/civil"
)

// The SQL Server counterparts of Build, InsertObject and RegisterChange,
// for the env-gated integration tests that run the connectors against a
// real SQL Server (database/sql with go-mssqldb; the caller imports the
// driver). They write the rows the PostgreSQL methods write, in SQL
// Server's types: booleans as binary(1), dates with the year offset added
// (civil.DateTime, so they travel as datetime2), numbers as decimal text,
// and no value for _Version (rowversion, written by the server).

// SQLExecer runs a statement on SQL Server; *sql.DB, *sql.Conn and *sql.Tx
// satisfy it.
type SQLExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// SQLServerBuilt is a configuration built into a SQL Server database by
// BuildSQLServer. The embedded Built gives the layout and references (Ref,
// NodeRef, EnumValue, TypeCode); write rows with the methods of
// SQLServerBuilt, not with Built's PostgreSQL ones. Not safe for concurrent
// use.
type SQLServerBuilt struct {
	*Built
	// YearOffset is stored in _YearOffset and added to every date written
	// (0, or 2000 as 1C creates most SQL Server infobases).
	YearOffset int
}

// BuildSQLServer creates cfg in db, an empty SQL Server database: the
// statements of SQLServerDDL and SQLServerDML, the _YearOffset row and the
// single row of each constant.
func BuildSQLServer(ctx context.Context, db SQLExecer, cfg *Configuration, yearOffset int) (*SQLServerBuilt, error) {
	l, err := Plan(cfg)
	if err != nil {
		return nil, err
	}
	ddl, err := SQLServerDDL(cfg)
	if err != nil {
		return nil, err
	}
	dml, err := SQLServerDML(cfg)
	if err != nil {
		return nil, err
	}
	for _, script := range []string{ddl, dml} {
		if _, err := db.ExecContext(ctx, script); err != nil {
			return nil, fmt.Errorf("onectest: build the SQL Server database: %w", err)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO _YearOffset ([Offset]) VALUES (@p1)", yearOffset); err != nil {
		return nil, fmt.Errorf("onectest: write _YearOffset: %w", err)
	}
	b := &SQLServerBuilt{Built: &Built{Layout: l, generated: map[*Object]int64{}}, YearOffset: yearOffset}
	for _, ol := range l.objects {
		if ol.Object.Kind != Constant {
			continue
		}
		if err := b.insertRow(ctx, db, ol.Table, map[string]any{"_RecordKey": []byte{0}}); err != nil {
			return nil, fmt.Errorf("onectest: write %s: %w", ol.Object.FullName(), err)
		}
	}
	return b, nil
}

// InsertObject writes one catalog item, document or exchange-plan node with
// its tabular-section rows (by section name) and returns its reference, as
// Built.InsertObject does on PostgreSQL: without an explicit Ссылка the row
// becomes the next generated row of the object (see Ref), and Код/Номер
// default to that row number.
func (b *SQLServerBuilt) InsertObject(ctx context.Context, db SQLExecer, fullName string, row Row, sections map[string][]Row) (Reference, error) {
	return b.insertObject(fullName, row, sections, func(t *Table, vals map[string]any) error { return b.insertRow(ctx, db, t, vals) })
}

// RegisterChange registers a change of one object for a node of an
// exchange plan, as Built.RegisterChange does on PostgreSQL: a row in the
// object's change table with _MessageNo NULL. key identifies the object
// the same way (Ссылка for catalogs and documents).
func (b *SQLServerBuilt) RegisterChange(ctx context.Context, db SQLExecer, plan, nodeCode, fullName string, key Row) error {
	return b.registerChange(plan, nodeCode, fullName, key, func(t *Table, vals map[string]any) error { return b.insertRow(ctx, db, t, vals) })
}

// insertRow inserts one row; vals are keyed by physical column name and
// hold the values the PostgreSQL code builds, missing NOT NULL columns get
// fillers, _Version is left to the server.
func (b *SQLServerBuilt) insertRow(ctx context.Context, db SQLExecer, t *Table, vals map[string]any) error {
	cols := make([]string, 0, len(t.Columns))
	ph := make([]string, 0, len(t.Columns))
	args := make([]any, 0, len(t.Columns))
	for _, c := range t.Columns {
		if c.kind == colVersion {
			continue
		}
		v, ok := vals[c.Name]
		if !ok {
			if c.Nullable {
				continue
			}
			v = filler(c)
		}
		mv, err := b.msValue(c, v)
		if err != nil {
			return fmt.Errorf("insert into %s: %w", t.Name, err)
		}
		args = append(args, mv)
		cols = append(cols, c.Name)
		ph = append(ph, "@p"+strconv.Itoa(len(args)))
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", t.Name, strings.Join(cols, ", "), strings.Join(ph, ", "))
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("insert into %s: %w", t.Name, err)
	}
	return nil
}

// msValue converts a value of column c, as the PostgreSQL code holds it,
// to what go-mssqldb writes into c's SQL Server type.
func (b *SQLServerBuilt) msValue(c *Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.kind {
	case colBool:
		x, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("column %s: %v (%T) is not a boolean", c.Name, v, v)
		}
		if x {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	case colDate:
		x, ok := v.(time.Time)
		if !ok {
			return nil, fmt.Errorf("column %s: %v (%T) is not a time", c.Name, v, v)
		}
		return civil.DateTimeOf(x.AddDate(b.YearOffset, 0, 0)), nil
	case colNumber:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), nil
		case Decimal:
			return string(x), nil
		case driver.Valuer: // pgtype.Numeric, from Row values: its decimal text
			return x.Value()
		}
		return nil, fmt.Errorf("column %s: %v (%T) is not a number", c.Name, v, v)
	}
	return v, nil
}
