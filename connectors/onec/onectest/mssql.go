package onectest

import (
	"fmt"
	"strings"
	"time"
)

// mssqlSystemTables are the SQL Server system tables a reader touches; the
// exact platform types are UNCONFIRMED (1c-layout.md §1.2).
const mssqlSystemTables = `CREATE TABLE Config (FileName nvarchar(128) NOT NULL, Creation datetime2 NOT NULL, Modified datetime2 NOT NULL,
  Attributes smallint NOT NULL, DataSize bigint NOT NULL, BinaryData varbinary(max) NOT NULL, PartNo int NOT NULL,
  PRIMARY KEY (FileName, PartNo));
CREATE TABLE Params (FileName nvarchar(128) NOT NULL, Creation datetime2 NOT NULL, Modified datetime2 NOT NULL,
  Attributes smallint NOT NULL, DataSize bigint NOT NULL, BinaryData varbinary(max) NOT NULL, PartNo int NOT NULL,
  PRIMARY KEY (FileName, PartNo));
CREATE TABLE IBVersion (IBVersion int NOT NULL, PlatformVersionReq int NOT NULL);
CREATE TABLE _YearOffset ([Offset] int NOT NULL);
`

// SQLServerDDL returns the SQL Server DDL of cfg (system tables and every
// object table, in 1C's SQL Server spelling and types) as text, for
// env-gated integration tests. Statements end with ";" and a newline.
func SQLServerDDL(cfg *Configuration) (string, error) {
	l, err := Plan(cfg)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(mssqlSystemTables)
	for _, t := range l.Tables {
		fmt.Fprintf(&b, "CREATE TABLE %s (", t.Name)
		for i, c := range t.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", c.Name, c.MSType)
			if !c.Nullable {
				b.WriteString(" NOT NULL")
			}
		}
		b.WriteString(");\n")
		if len(t.PrimaryKey) > 0 {
			fmt.Fprintf(&b, "ALTER TABLE %s ADD CONSTRAINT PK_%s PRIMARY KEY CLUSTERED (%s);\n", t.Name, t.Name, strings.Join(t.PrimaryKey, ", "))
		}
		for _, ix := range t.Indexes {
			u := ""
			if ix.Unique {
				u = "UNIQUE "
			}
			fmt.Fprintf(&b, "CREATE %sINDEX %s ON %s (%s);\n", u, ix.Name, t.Name, strings.Join(ix.Columns, ", "))
		}
	}
	return b.String(), nil
}

// SQLServerDML returns the INSERT statements that fill the Config and
// Params rows (same bytes as Build writes on PostgreSQL), the IBVersion
// row, the enum values and the exchange-plan nodes of cfg on SQL Server.
// Booleans are binary(1) there; _Version (rowversion) is left to the server.
func SQLServerDML(cfg *Configuration) (string, error) {
	l, err := Plan(cfg)
	if err != nil {
		return "", err
	}
	config, params, err := l.Files()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	now := time.Now().UTC().Format("2006-01-02T15:04:05")
	var enc fileEncoder
	for _, set := range []struct {
		table string
		files []ConfigFile
	}{{"Config", config}, {"Params", params}} {
		for _, f := range set.files {
			body := enc.encode(f.Body, !uncompressedFiles[f.Name])
			fmt.Fprintf(&b, "INSERT INTO %s (FileName, Creation, Modified, Attributes, DataSize, BinaryData, PartNo) VALUES (N'%s', '%s', '%s', 0, %d, 0x%x, 0);\n",
				set.table, strings.ReplaceAll(f.Name, "'", "''"), now, now, len(body), body)
		}
	}
	b.WriteString("INSERT INTO IBVersion VALUES (7, 80313);\n")
	for _, ol := range l.objects {
		switch ol.Object.Kind {
		case Enum:
			for i, v := range ol.EnumValues {
				id, _ := dbUUID(v)
				fmt.Fprintf(&b, "INSERT INTO %s (_IDRRef, _EnumOrder) VALUES (0x%x, %d);\n", ol.Table.Name, id, i)
			}
		case ExchangePlan:
			nodes := ol.Object.Nodes
			this := false
			for _, n := range nodes {
				this = this || n.ThisNode
			}
			if !this {
				nodes = append([]ExchangeNode{{Code: "ЦБ", Description: "Центральная база", ThisNode: true}}, nodes...)
			}
			seen := false
			for _, n := range nodes {
				id, _ := dbUUID(nameUUID(ol.UUID, "node", n.Code))
				pre := make([]byte, 16)
				if n.ThisNode && !seen {
					seen = true
					pre, _ = dbUUID(nameUUID(ol.UUID, "ЭтотУзел"))
				}
				cols := []string{"_IDRRef", "_Marked", "_SentNo", "_ReceivedNo", "_PredefinedID"}
				vals := []string{fmt.Sprintf("0x%x", id), "0x00", "0", "0", fmt.Sprintf("0x%x", pre)}
				if ol.Table.Column("_Code") != nil {
					cols, vals = append(cols, "_Code"), append(vals, "N"+quoteLiteral(n.Code))
				}
				if ol.Table.Column("_Description") != nil {
					cols, vals = append(cols, "_Description"), append(vals, "N"+quoteLiteral(n.Description))
				}
				for _, c := range ol.Table.Columns {
					if strings.HasPrefix(c.Name, "_Fld") {
						cols, vals = append(cols, c.Name), append(vals, msFiller(c))
					}
				}
				fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES (%s);\n", ol.Table.Name, strings.Join(cols, ", "), strings.Join(vals, ", "))
			}
		}
	}
	return b.String(), nil
}

func msFiller(c *Column) string {
	switch c.kind {
	case colRef, colTRef, colKey:
		return "0x" + strings.Repeat("00", c.length)
	case colTag:
		return "0x01"
	case colBool:
		return "0x00"
	case colNumber, colVersion:
		return "0"
	case colString:
		return "N''"
	case colDate:
		return "'0001-01-01T00:00:00'"
	default:
		return "0x"
	}
}
