package tablesource

import (
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

func BenchmarkTaskPoll(b *testing.B) {
	ctx, db, bt, dsn := tradeDB(b)
	_, err := bt.Generate(ctx, db, "Справочник.Номенклатура", 200_000, onectest.GenOptions{})
	must(b, err)
	props := connProps(b, dsn)
	props[KeyObjects] = "Catalog.Номенклатура"
	props[KeyBatchSize] = "5000"
	b.ResetTimer()
	n := 0
	for n < b.N {
		tk := &Task{}
		must(b, tk.Start(ctx, &fakeTaskContext{}, props))
		for n < b.N {
			recs, err := tk.Poll(ctx)
			must(b, err)
			if len(recs) == 0 {
				break
			}
			n += len(recs)
		}
		tk.Stop(ctx)
	}
}

func BenchmarkReadPage(b *testing.B) {
	ctx, db, bt, dsn := tradeDB(b)
	_, err := bt.Generate(ctx, db, "Справочник.Номенклатура", 100_000, onectest.GenOptions{})
	must(b, err)
	props := connProps(b, dsn)
	props[KeyObjects] = "Catalog.Номенклатура"
	tk := &Task{}
	must(b, tk.Start(ctx, &fakeTaskContext{}, props))
	must(b, tk.open(ctx))
	defer tk.Stop(ctx)
	b.ResetTimer()
	n := 0
	var after []string
	for n < b.N {
		p := readPage(ctx, tk.db.Dialect(), tk.reads, 0, 5000, job{t: tk.targets[0], pass: 1}, after)
		must(b, p.err)
		n += len(p.recs)
		after = p.after
		if p.last {
			after = nil
		}
	}
}
