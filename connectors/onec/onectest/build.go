package onectest

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

// DB is what Build and the generators need from PostgreSQL. *pgx.Conn,
// *pgxpool.Pool and pgx.Tx satisfy it.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Built is a configuration built into a database: its layout plus the
// bookkeeping the data generators need (how many rows each generator has
// written). A Built is not safe for concurrent use.
type Built struct {
	*Layout
	generated map[*Object]int64
}

// uncompressedFiles are stored as plain UTF-8 with a BOM, the way real
// infobases store some small rows, so readers meet both encodings.
var uncompressedFiles = map[string]bool{"version": true, "DBNamesVersion-DBNames": true}

// Build creates a 1C-shaped database in db, which should be empty: the
// mchar/mvarchar emulation (skipped when the types already exist, e.g. from
// the real extension), the system tables, every object table, the Config
// and Params rows in 1C's encoding (brace text, BOM, raw deflate), the
// enum rows, one row per constant and the exchange-plan nodes. It needs a
// superuser for the emulation.
func Build(ctx context.Context, db DB, cfg *Configuration) (*Built, error) {
	l, err := Plan(cfg)
	if err != nil {
		return nil, err
	}
	b := &Built{Layout: l, generated: map[*Object]int64{}}
	var have int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM pg_type WHERE typname IN ('mvarchar','mchar')`).Scan(&have); err != nil {
		return nil, fmt.Errorf("onectest: look for mvarchar: %w", err)
	}
	if have == 0 {
		if _, err := db.Exec(ctx, MCharEmulationSQL); err != nil {
			return nil, fmt.Errorf("onectest: create mchar/mvarchar emulation (needs superuser): %w", err)
		}
	}
	if _, err := db.Exec(ctx, systemTablesSQL); err != nil {
		return nil, fmt.Errorf("onectest: create system tables: %w", err)
	}
	// Object tables, in batches of statements to keep round trips few.
	var batch strings.Builder
	for i, t := range l.Tables {
		batch.WriteString(tablePG(t))
		if (i+1)%200 == 0 || i == len(l.Tables)-1 {
			if _, err := db.Exec(ctx, batch.String()); err != nil {
				return nil, fmt.Errorf("onectest: create object tables: %w", err)
			}
			batch.Reset()
		}
	}
	config, params, err := l.Files()
	if err != nil {
		return nil, fmt.Errorf("onectest: build descriptors: %w", err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	var enc fileEncoder
	for _, set := range []struct {
		table string
		files []ConfigFile
	}{{"config", config}, {"params", params}} {
		for _, f := range set.files {
			body := enc.encode(f.Body, !uncompressedFiles[f.Name])
			if _, err := db.Exec(ctx, `INSERT INTO `+set.table+` (filename, creation, modified, attributes, datasize, binarydata, partno)
				VALUES ($1::text, $2, $2, 0, $3, $4, 0)`, f.Name, now, len(body), body); err != nil {
				return nil, fmt.Errorf("onectest: write %s.%s: %w", set.table, f.Name, err)
			}
		}
	}
	if err := b.seed(ctx, db); err != nil {
		return nil, err
	}
	return b, nil
}

// EncodeFile encodes a brace tree as a Config/Params body: UTF-8 with a
// BOM, compressed with raw DEFLATE (RFC 1951, no zlib header) when
// compress is true (1c-layout.md §1.3, §12.4).
func EncodeFile(n *brace.Node, compress bool) []byte {
	var e fileEncoder
	return e.encode(n, compress)
}

// fileEncoder encodes many files with one DEFLATE writer: a new
// flate.Writer allocates about 1 MB, which dominated the building of
// large configurations.
type fileEncoder struct {
	w   *flate.Writer
	buf bytes.Buffer
}

func (e *fileEncoder) encode(n *brace.Node, compress bool) []byte {
	text := brace.MarshalFile(n)
	if !compress {
		return text
	}
	e.buf.Reset()
	if e.w == nil {
		w, err := flate.NewWriter(&e.buf, flate.BestCompression)
		if err != nil { // only for an invalid level
			panic(err)
		}
		e.w = w
	} else {
		e.w.Reset(&e.buf)
	}
	_, _ = e.w.Write(text) // a bytes.Buffer does not fail
	_ = e.w.Close()
	return bytes.Clone(e.buf.Bytes())
}

// seed writes the rows the platform creates with the configuration: enum
// values, the single row of each constant, exchange-plan nodes.
func (b *Built) seed(ctx context.Context, db DB) error {
	for _, ol := range b.objects {
		o := ol.Object
		switch o.Kind {
		case Enum:
			for i, v := range ol.EnumValues {
				id, err := dbUUID(v)
				if err != nil {
					return err
				}
				if _, err := db.Exec(ctx, fmt.Sprintf(`INSERT INTO %s (_idrref, _enumorder) VALUES ($1, $2)`, ol.Table.PG()), id, i); err != nil {
					return fmt.Errorf("onectest: write values of %s: %w", o.FullName(), err)
				}
			}
		case Constant:
			if err := b.insertRow(ctx, db, ol.Table, map[string]any{"_RecordKey": []byte{0}}, ol.fields()); err != nil {
				return fmt.Errorf("onectest: write %s: %w", o.FullName(), err)
			}
		case ExchangePlan:
			nodes := o.Nodes
			this := false
			for _, n := range nodes {
				this = this || n.ThisNode
			}
			if !this {
				nodes = append([]ExchangeNode{{Code: "ЦБ", Description: "Центральная база", ThisNode: true}}, nodes...)
			}
			seenThis := false
			for _, n := range nodes {
				id, err := b.NodeRef(o.FullName(), n.Code)
				if err != nil {
					return err
				}
				predefined := make([]byte, 16)
				if n.ThisNode && !seenThis {
					seenThis = true
					predefined, _ = dbUUID(nameUUID(ol.UUID, "ЭтотУзел"))
				}
				vals := map[string]any{"_IDRRef": id, "_Marked": false, "_Code": n.Code, "_Description": n.Description,
					"_SentNo": 0, "_ReceivedNo": 0, "_PredefinedID": predefined}
				if err := b.insertRow(ctx, db, ol.Table, vals, ol.fields()); err != nil {
					return fmt.Errorf("onectest: write node %s of %s: %w", n.Code, o.FullName(), err)
				}
			}
		}
	}
	return nil
}

// NodeRef returns the _IDRRef of the exchange-plan node with the given code
// (nodes get UUIDs derived from plan and code).
func (b *Built) NodeRef(plan, code string) ([]byte, error) {
	ol, err := b.Object(plan)
	if err != nil {
		return nil, err
	}
	if ol.Object.Kind != ExchangePlan {
		return nil, fmt.Errorf("onectest: %s is not an exchange plan", plan)
	}
	return dbUUID(nameUUID(ol.UUID, "node", code))
}

// EnumRef returns the _IDRRef of an enum value.
func (b *Built) EnumRef(enum, value string) ([]byte, error) {
	ol, err := b.Object(enum)
	if err != nil {
		return nil, err
	}
	for i, v := range ol.Object.EnumValues {
		if v == value {
			return dbUUID(ol.EnumValues[i])
		}
	}
	return nil, fmt.Errorf("onectest: %s has no value %s", enum, value)
}

// TypeCode returns the 4-byte type code (_TRef/_RTRef/_NodeTRef) of a
// reference-kind object.
func (b *Built) TypeCode(fullName string) ([]byte, error) {
	ol, err := b.Object(fullName)
	if err != nil {
		return nil, err
	}
	return typeCode(ol.Code), nil
}
