package onectest

import (
	"fmt"
	"strings"
)

// systemTablesSQL creates the 1C system tables a reader touches
// (1c-layout.md §1, §12.3), lower-case as the platform creates them on
// PostgreSQL.
const systemTablesSQL = `
CREATE TABLE config (filename mvarchar(128) NOT NULL, creation timestamp NOT NULL, modified timestamp NOT NULL,
  attributes integer NOT NULL, datasize bigint NOT NULL, binarydata bytea NOT NULL, partno integer NOT NULL,
  PRIMARY KEY (filename, partno));
CREATE TABLE configsave (LIKE config INCLUDING ALL);
CREATE TABLE params (LIKE config INCLUDING ALL);
CREATE TABLE files (LIKE config INCLUDING ALL);
CREATE TABLE dbschema (serializeddata bytea NOT NULL);
CREATE TABLE schemastorage (schemaid integer NOT NULL, status integer NOT NULL, currentschema bytea,
  newgencreated bytea, newgendropped bytea);
CREATE TABLE ibversion (ibversion integer NOT NULL, platformversionreq integer NOT NULL);
CREATE TABLE _yearoffset (ofset integer NOT NULL);
INSERT INTO ibversion VALUES (7, 80313);
`

// PostgresDDL returns the CREATE TABLE and CREATE INDEX statements of
// every object table of the layout (not the system tables or the mchar
// emulation), one statement per line group, lower-case as on PostgreSQL.
func (l *Layout) PostgresDDL() string {
	var b strings.Builder
	for _, t := range l.Tables {
		b.WriteString(tablePG(t))
	}
	return b.String()
}

func tablePG(t *Table) string {
	var b strings.Builder
	name := t.PG()
	fmt.Fprintf(&b, "CREATE TABLE %s (", name)
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", c.PG(), c.PGType)
		if !c.Nullable {
			b.WriteString(" NOT NULL")
		}
		if c.kind == colVersion {
			b.WriteString(" DEFAULT 0")
		}
	}
	b.WriteString(");\n")
	if len(t.PrimaryKey) > 0 {
		fmt.Fprintf(&b, "ALTER TABLE %s ADD CONSTRAINT %s_pkey PRIMARY KEY (%s);\n", name, name, lowerJoin(t.PrimaryKey))
	}
	for _, ix := range t.Indexes {
		u := ""
		if ix.Unique {
			u = "UNIQUE "
		}
		fmt.Fprintf(&b, "CREATE %sINDEX %s ON %s (%s);\n", u, strings.ToLower(ix.Name), name, lowerJoin(ix.Columns))
	}
	return b.String()
}

func lowerJoin(cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = strings.ToLower(c)
	}
	return strings.Join(out, ", ")
}
