package tablesource

import (
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

// TestReaderPipeline reads a pass through the two-stage reader: pages
// cover every row once, only the last is marked last,
// each page's last record carries the position after it; stopped in the
// middle of a pass, the reader's goroutines end.
func TestReaderPipeline(t *testing.T) {
	ctx, db, bt, dsn := tradeDB(t)
	const rows, limit = 2500, 300
	_, err := bt.Generate(ctx, db, "Справочник.Номенклатура", rows, onectest.GenOptions{})
	must(t, err)
	props := connProps(t, dsn)
	props[KeyObjects] = "Catalog.Номенклатура"
	tk := &Task{}
	must(t, tk.Start(ctx, &fakeTaskContext{}, props))
	must(t, tk.open(ctx))
	defer tk.Stop(ctx)
	jobs := []job{{t: tk.targets[0], pass: 1}}

	tests := []struct {
		name  string
		pages int // pages to take before stop; 0 = the whole pass
	}{
		{"whole pass", 0},
		{"stopped after one page", 1},
		{"stopped before any page", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startReader(ctx, tk.db.Dialect(), tk.reads, 0, limit, jobs)
			seen := map[string]bool{}
			prev, n, last := "", 0, false
			for tt.pages == 0 || n < tt.pages {
				p, ok := <-r.ch
				if !ok {
					break
				}
				must(t, p.err)
				if last {
					t.Fatal("a page after the last one")
				}
				n++
				last = p.last
				for _, rec := range p.recs {
					v, _ := rec.Key.(*schema.Struct).Get("Ссылка")
					id := v.(string)
					if seen[id] {
						t.Fatalf("%s read twice", id)
					}
					seen[id] = true
				}
				if len(p.recs) > 0 {
					end := p.recs[len(p.recs)-1].SourceOffset
					if p.last {
						if end[OffsetDone] != true {
							t.Fatalf("last page ends with %v, want done", end)
						}
					} else if end[OffsetAfter] != jsonText(p.after) || jsonText(p.after) == prev {
						t.Fatalf("page %d ends with %v after %q, want the page's last key %q", n, end, prev, jsonText(p.after))
					}
				}
				prev = jsonText(p.after)
			}
			stopped := make(chan struct{})
			go func() { r.stop(); close(stopped) }()
			select {
			case <-stopped:
			case <-time.After(30 * time.Second):
				t.Fatal("reader did not stop")
			}
			if tt.pages == 0 && (len(seen) != rows || !last || n != rows/limit+1) {
				t.Fatalf("%d pages, %d rows, last %v; want %d pages, %d rows ending with the last", n, len(seen), last, rows/limit+1, rows)
			}
		})
	}
}
