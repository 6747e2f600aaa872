package onectest

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func connect(t *testing.T) (context.Context, *pgx.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	conn, err := pgx.Connect(ctx, testkit.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return ctx, conn
}

// readFile reads one Config/Params row and decodes it the way a reader must.
func readFile(t *testing.T, ctx context.Context, db DB, table, name string) *brace.Node {
	t.Helper()
	var size int64
	var data []byte
	if err := db.QueryRow(ctx, "SELECT datasize, binarydata FROM "+table+" WHERE filename = $1::mvarchar ORDER BY partno", name).Scan(&size, &data); err != nil {
		t.Fatalf("read %s.%s: %v", table, name, err)
	}
	if int64(len(data)) != size {
		t.Fatalf("%s.%s: datasize %d, %d bytes", table, name, size, len(data))
	}
	text := data
	if !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		var err error
		text, err = io.ReadAll(flate.NewReader(bytes.NewReader(data)))
		if err != nil {
			t.Fatalf("%s.%s: inflate: %v", table, name, err)
		}
		if !bytes.HasPrefix(text, []byte{0xEF, 0xBB, 0xBF}) {
			t.Fatalf("%s.%s: inflated text has no BOM", table, name)
		}
	}
	n, err := brace.Parse(text)
	if err != nil {
		t.Fatalf("%s.%s: parse: %v", table, name, err)
	}
	return n
}

func TestBuildTrade(t *testing.T) {
	ctx, conn := connect(t)
	b, err := Build(ctx, conn, Trade())
	if err != nil {
		t.Fatal(err)
	}

	// Every planned table and column exists with the planned type.
	for _, tb := range b.Tables {
		rows, err := conn.Query(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
			FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, tb.PG())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var name, typ string
			var null bool
			if err := rows.Scan(&name, &typ, &null); err != nil {
				t.Fatal(err)
			}
			got = append(got, name+" "+typ)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", tb.PG(), err)
		}
		var want []string
		for _, c := range tb.Columns {
			want = append(want, c.PG()+" "+c.PGType)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s columns:\n got %v\nwant %v", tb.PG(), got, want)
		}
	}
	var udt string
	ol, err := b.Object("Справочник.Номенклатура")
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT udt_name FROM information_schema.columns WHERE table_name = $1 AND column_name = '_description'`, ol.Table.PG()).Scan(&udt); err != nil || udt != "mvarchar" {
		t.Errorf("_description udt = %q, %v; want mvarchar", udt, err)
	}

	// root → main → type lists → descriptors, all through the genuine encoding.
	root := readFile(t, ctx, conn, "config", "root")
	mainName, err := root.Str(1)
	if err != nil {
		t.Fatal(err)
	}
	main := readFile(t, ctx, conn, "config", mainName)
	if got, _ := main.Int(3, 1, 1, 26); got != 80323 {
		t.Errorf("compatibility M[4][2][2][27] = %d, want 80323", got)
	}
	if got, _ := main.Str(3, 1, 1, 1, 1, 2); got != "Торговля" {
		t.Errorf("configuration name = %q", got)
	}
	ops, err := main.ListAt(4, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	count, _ := ops.Int(2)
	var catalogs []string
	for k := 0; k < count; k++ {
		lst, _ := ops.ListAt(3 + k)
		if s, _ := lst.Str(0); s == "cf4abea6-37b2-11d4-940f-008048da11f9" {
			for i := 2; i < lst.Len(); i++ {
				u, _ := lst.Str(i)
				catalogs = append(catalogs, u)
			}
		}
	}
	if len(catalogs) != 2 {
		t.Fatalf("catalog type list = %v, want 2 catalogs", catalogs)
	}
	d := readFile(t, ctx, conn, "config", ol.UUID)
	if name, _ := d.Str(1, 9, 1, 2); name != "Номенклатура" {
		t.Errorf("catalog name [2][10][2][3] = %q", name)
	}
	if u, _ := d.Str(1, 9, 1, 1, 2); u != ol.UUID {
		t.Errorf("catalog uuid = %q, want %q", u, ol.UUID)
	}
	for path, want := range map[[2]int]int{{1, 17}: 11, {1, 18}: 1, {1, 19}: 100} {
		if got, _ := d.Int(path[0], path[1]); got != want {
			t.Errorf("catalog [2][%d] = %d, want %d", path[1]+1, got, want)
		}
	}
	attrs, _ := d.ListAt(6)
	if n, _ := attrs.Int(1); n != 6 {
		t.Errorf("attribute count = %d, want 6", n)
	}
	art := ol.Fields["Артикул"]
	if u, _ := attrs.Str(2, 0, 1, 1, 1, 1, 2); u != art.UUID {
		t.Errorf("attribute uuid = %q, want %q", u, art.UUID)
	}
	if p, _ := attrs.ListAt(2, 0, 1, 1, 2); p.Len() != 2 {
		t.Errorf("pattern = %s", brace.Marshal(p))
	}

	// DBNames lines up with the tables.
	dbn := readFile(t, ctx, conn, "params", "DBNames")
	entries, _ := dbn.ListAt(1)
	n, _ := entries.Int(0)
	if n != len(b.DBNames) || entries.Len() != n+1 {
		t.Fatalf("DBNames has %d entries (%d items), want %d", n, entries.Len(), len(b.DBNames))
	}
	tables := map[string]bool{}
	for _, tb := range b.Tables {
		tables[tb.PG()] = true
	}
	mains := 0
	for i := 1; i <= n; i++ {
		u, _ := entries.Str(i, 0)
		tok, _ := entries.Str(i, 1)
		code, _ := entries.Int(i, 2)
		if u == zeroUUID {
			continue
		}
		switch tok {
		case "Reference", "Document", "Enum", "Const", "InfoRg", "AccumRg", "Node", "ReferenceChngR", "DocumentChngR", "InfoRgChngR", "ConstChngR", "AccumRgT":
			mains++
			name := strings.ToLower("_" + tok + strconv.Itoa(code))
			var exists bool
			if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_name = $1)`, name).Scan(&exists); err != nil || !exists {
				t.Errorf("DBNames %s %s %d: no table %s (%v)", u, tok, code, name, err)
			}
		}
	}
	if mains < 12 {
		t.Errorf("only %d main/change entries", mains)
	}

	// Exchange plan content and nodes.
	plan, _ := b.Object("ПланОбмена.Kafka")
	content := readFile(t, ctx, conn, "config", plan.UUID+".1")
	if c, _ := content.Int(1); c != 5 {
		t.Errorf("plan content count = %d", c)
	}
	var nodes int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+plan.Table.PG()+" WHERE _predefinedid <> '\\x00000000000000000000000000000000'::bytea").Scan(&nodes); err != nil || nodes != 1 {
		t.Errorf("this-node rows = %d, %v", nodes, err)
	}
}
