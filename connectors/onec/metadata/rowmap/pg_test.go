package rowmap

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
	"github.com/onecconnect/onecconnect/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tradeDB builds onectest.Trade() with generated and explicit rows and
// returns the connection, the builder's result and the reader's snapshot.
func tradeDB(t testing.TB) (context.Context, *pgx.Conn, *onectest.Built, *metadata.Infobase) {
	t.Helper()
	ctx, conn, b, url := pgtest.Build(t, onectest.Trade(), 2*time.Minute)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.Generate(ctx, conn, "Справочник.Номенклатура", 3, onectest.GenOptions{MarkEvery: 2})
	must(err)
	_, err = b.Generate(ctx, conn, "Справочник.Контрагенты", 2, onectest.GenOptions{})
	must(err)
	_, err = b.Generate(ctx, conn, "Документ.РеализацияТоваровУслуг", 2, onectest.GenOptions{Lines: 2})
	must(err)
	item, err := b.Ref("Справочник.Номенклатура", 1)
	must(err)
	partner, err := b.Ref("Справочник.Контрагенты", 2)
	must(err)
	vat, err := b.EnumValue("Перечисление.СтавкиНДС", "НДС20")
	must(err)
	day := time.Date(2024, 3, 5, 10, 30, 15, 0, time.UTC)
	for i, basis := range []any{nil, "договор №7", onectest.Decimal("1234.50"), day, true, item, partner} {
		_, err := b.InsertObject(ctx, conn, "Документ.РеализацияТоваровУслуг", onectest.Row{
			"Дата": day.Add(time.Duration(i) * time.Hour), "Номер": fmt.Sprintf("Т-%08d", i+1), "Проведен": i%2 == 0,
			"Контрагент": partner, "СуммаДокумента": onectest.Decimal("100.10"), "Комментарий": "пример " + fmt.Sprint(i),
			"Основание": basis,
		}, map[string][]onectest.Row{"Товары": {
			{"Номенклатура": item, "Количество": onectest.Decimal("2.500"), "Цена": onectest.Decimal("40.04"), "Сумма": onectest.Decimal("100.10"), "СтавкаНДС": vat},
		}})
		must(err)
	}
	must(b.GenerateRecords(ctx, conn, "РегистрСведений.ЦеныНоменклатуры", 3))
	must(b.GenerateRecords(ctx, conn, "РегистрНакопления.Продажи", 3))
	must(b.PutOutgoing(ctx, conn, []onectest.QueueMessage{{Number: 1, Type: "Номенклатура", Key: "k1", Headers: `{"a":"b"}`, Body: `{"x":1}`, Created: day}}))

	must(b.InsertRecords(ctx, conn, onectest.IncomingQueue, []onectest.Row{{"Топик": "orders", "Раздел": 2, "Смещение": int64(42),
		"ТипСообщения": "Заказ", "Ключ": "k", "Заголовки": "{}", "Тело": `{"n":1}`, "ДатаПоступления": day}}))

	r, err := metadata.Open(ctx, url, metadata.LoadOptions{})
	must(err)
	t.Cleanup(func() { r.Close() })
	return ctx, conn, b, r.Snapshot()
}

// selectList selects columns the way the dialect does: strings as ::text.
func selectList(cols []metadata.Column) string {
	var s []string
	for _, c := range cols {
		if c.Kind == metadata.ColString {
			s = append(s, c.Name+"::text")
		} else {
			s = append(s, c.Name)
		}
	}
	return strings.Join(s, ", ")
}

func queryRows(t testing.TB, ctx context.Context, conn *pgx.Conn, sql string, args ...any) [][]any {
	t.Helper()
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readObject reads every row of an object with its tabular sections.
func readObject(t testing.TB, ctx context.Context, conn *pgx.Conn, om *ObjectMapper) (rows [][]any, sections []map[string][][]any) {
	t.Helper()
	o := om.Object()
	cols := om.Columns()
	order := make([]string, len(cols))
	for i := range cols {
		order[i] = fmt.Sprint(i + 1)
	}
	rows = queryRows(t, ctx, conn, "SELECT "+selectList(cols)+" FROM "+o.Table+" ORDER BY "+strings.Join(order, ", "))
	for _, row := range rows {
		secs := map[string][][]any{}
		for _, ts := range o.TabularSections {
			sc, err := om.SectionColumns(ts.Name)
			if err != nil {
				t.Fatal(err)
			}
			lineNo := ts.StandardAttributes[2].Columns[0].Name
			secs[ts.Name] = queryRows(t, ctx, conn, "SELECT "+selectList(sc)+" FROM "+ts.Table+" WHERE "+sc[0].Name+" = $1 ORDER BY "+lineNo, row[0])
		}
		sections = append(sections, secs)
	}
	return rows, sections
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file:\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing line.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %s\n got %s", i+1, a, b)
		}
	}
	return "(no line differs)"
}

// TestGoldenTrade maps every row of every Trade object to a Connect struct,
// compares the result with golden files, and checks that Values inverts
// Struct.
func TestGoldenTrade(t *testing.T) {
	ctx, conn, _, ib := tradeDB(t)
	for _, mode := range []metadata.DecimalHandling{metadata.DecimalPrecise, metadata.DecimalString} {
		m, err := New(ib, Options{Schema: metadata.SchemaOptions{DecimalHandling: mode}, Validate: true})
		if err != nil {
			t.Fatal(err)
		}
		// fast maps without Options.Validate, as the connectors do; its
		// structs must equal the validated ones and validate.
		fast, err := New(ib, Options{Schema: metadata.SchemaOptions{DecimalHandling: mode}})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range ib.Objects {
			om, err := m.Object(o)
			if err != nil {
				t.Fatal(err)
			}
			fom, err := fast.Object(o)
			if err != nil {
				t.Fatal(err)
			}
			rows, sections := readObject(t, ctx, conn, om)
			if len(rows) == 0 {
				t.Errorf("%s: no rows to map", o.FullName())
			}
			var out []any
			page := schema.NewStructs(fom.Schema(), len(rows)) // as a page is mapped
			for i, row := range rows {
				st, err := om.Struct(row, sections[i])
				if err != nil {
					t.Fatalf("%s row %d: %v", o.FullName(), i+1, err)
				}
				out = append(out, st)
				if fst, err := fom.Struct(row, sections[i]); err != nil || !fst.Equal(st) || fst.Validate() != nil {
					t.Errorf("%s row %d: without Options.Validate: %v, equal %v", o.FullName(), i+1, err, err == nil && fst.Equal(st))
				}
				if pst, err := fom.StructInto(&page[i], row, sections[i]); err != nil || pst != &page[i] || !pst.Equal(st) {
					t.Errorf("%s row %d: StructInto: %v, equal %v", o.FullName(), i+1, err, err == nil && pst.Equal(st))
				}
				for name, srows := range sections[i] {
					for _, sr := range srows {
						sst, err := fom.SectionStruct(name, sr)
						if err == nil {
							err = sst.Validate()
						}
						if err != nil {
							t.Errorf("%s row %d: SectionStruct(%s): %v", o.FullName(), i+1, name, err)
						}
					}
				}
				vals, err := om.Values(st)
				if err != nil {
					t.Fatalf("%s row %d: Values: %v", o.FullName(), i+1, err)
				}
				back, err := om.Struct(vals, sections[i])
				if err != nil {
					t.Fatalf("%s row %d: Struct(Values): %v", o.FullName(), i+1, err)
				}
				if !back.Equal(st) {
					t.Errorf("%s row %d: Struct(Values(s)) != s:\n%s\n%s", o.FullName(), i+1, render(back), render(st))
				}
			}
			name := fmt.Sprintf("trade/%s.json", o.FullName())
			if mode == metadata.DecimalString {
				if o.Kind != metadata.KindDocument {
					continue
				}
				name = fmt.Sprintf("trade/%s.string.json", o.FullName())
			}
			golden(t, name, render(out)+"\n")
		}
	}
}
