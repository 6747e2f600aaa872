package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
)

// genCounts are the generator's totals, read by the summary while the
// generator writes them.
type genCounts struct {
	sales, prices, items, deletions, messages atomic.Int64
}

// generator keeps changing the trade infobase the way 1C users and code
// would: each change is one transaction that writes the objects and
// registers the change for node KAFKA (what the platform does on write
// when the object is in the plan's content), and, for sales and item
// changes, also puts a message into the outbox — in the same transaction,
// the way an outbox is meant to be used. The generator goroutine owns ib's
// Built; counts may be read concurrently.
type generator struct {
	ib     *infobase
	rnd    *rand.Rand
	counts genCounts

	step      int64
	liveSales []onectest.Reference // oldest first; deletions take from the front
	nextDay   map[int64]int        // item number → next price day offset
	today     time.Time
}

func newGenerator(ib *infobase) *generator {
	g := &generator{ib: ib, rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9)), nextDay: map[int64]int{},
		today: time.Now().UTC().Truncate(24 * time.Hour)}
	for n := int64(1); n <= seedSales; n++ {
		if ref, err := ib.built.Ref(objSale, n); err == nil {
			g.liveSales = append(g.liveSales, ref)
		}
	}
	return g
}

// run makes rate changes per second until ctx ends; it returns nil then,
// or the first error (a demo database does not fail transiently).
func (g *generator) run(ctx context.Context, rate int) error {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := g.change(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// change makes the next change of the cycle: sale, price, item, sale,
// deletion (a price change while few sales exist).
func (g *generator) change(ctx context.Context) error {
	g.step++
	return pgx.BeginFunc(ctx, g.ib.pool, func(tx pgx.Tx) error {
		switch g.step % 5 {
		case 0, 3:
			return g.sale(ctx, tx)
		case 1:
			return g.price(ctx, tx)
		case 2:
			return g.item(ctx, tx)
		default:
			if len(g.liveSales) > 3 {
				return g.deleteSale(ctx, tx)
			}
			return g.price(ctx, tx)
		}
	})
}

// sale posts a new sales document with 1-4 goods lines and an outbox
// message about it.
func (g *generator) sale(ctx context.Context, tx pgx.Tx) error {
	b := g.ib.built
	vat, err := b.EnumValue(enumVAT, "НДС20")
	if err != nil {
		return err
	}
	var lines []onectest.Row
	var total int64 // kopecks
	for range 1 + g.rnd.IntN(4) {
		item, err := b.Ref(objItems, 1+g.rnd.Int64N(seedItems))
		if err != nil {
			return err
		}
		qty, price := int64(1+g.rnd.IntN(9)), int64(5000+g.rnd.IntN(200000))
		total += qty * price
		lines = append(lines, onectest.Row{"Номенклатура": item, "Количество": onectest.Decimal(fmt.Sprint(qty)),
			"Цена": onectest.Decimal(kopecks(price)), "Сумма": onectest.Decimal(kopecks(qty * price)), "СтавкаНДС": vat})
	}
	counterpart, err := b.Ref(objCounterparts, 1+g.rnd.Int64N(seedCounterparts))
	if err != nil {
		return err
	}
	n := g.counts.sales.Load() + 1
	ref, err := b.InsertObject(ctx, tx, objSale, onectest.Row{"Дата": time.Now().UTC().Truncate(time.Second), "Проведен": true,
		"Контрагент": counterpart, "СуммаДокумента": onectest.Decimal(kopecks(total)),
		"Комментарий": fmt.Sprintf("демо: продажа %d", n)}, map[string][]onectest.Row{"Товары": lines})
	if err != nil {
		return err
	}
	if err := g.register(ctx, tx, objSale, ref); err != nil {
		return err
	}
	id, _ := uuid1c.UUIDFromBinary1C(ref.ID)
	if err := g.message(ctx, tx, "РеализацияТоваровУслуг", id, map[string]any{
		"документ": id, "сумма": kopecks(total), "строк": len(lines), "комментарий": fmt.Sprintf("демо: продажа %d", n)}); err != nil {
		return err
	}
	g.liveSales = append(g.liveSales, ref)
	g.counts.sales.Add(1)
	return nil
}

// price sets a new retail price of a random item from its next day on.
func (g *generator) price(ctx context.Context, tx pgx.Tx) error {
	b := g.ib.built
	k := 1 + g.rnd.Int64N(seedItems)
	item, err := b.Ref(objItems, k)
	if err != nil {
		return err
	}
	g.nextDay[k]++
	day := g.today.AddDate(0, 0, g.nextDay[k])
	key := onectest.Row{"Период": day, "Номенклатура": item, "ВидЦены": "Розничная"}
	rec := onectest.Row{"Цена": onectest.Decimal(kopecks(int64(5000 + g.rnd.IntN(200000)))), "Валюта": "RUB"}
	for k, v := range key {
		rec[k] = v
	}
	if err := b.InsertRecords(ctx, tx, objPrices, []onectest.Row{rec}); err != nil {
		return err
	}
	if err := b.RegisterChange(ctx, tx, exchangePlan, exchangeNode, objPrices, key); err != nil {
		return err
	}
	g.counts.prices.Add(1)
	return nil
}

// item renames a random item (a catalog change, op u) and tells the
// outbox.
func (g *generator) item(ctx context.Context, tx pgx.Tx) error {
	b := g.ib.built
	ol, err := b.Object(objItems)
	if err != nil {
		return err
	}
	ref, err := b.Ref(objItems, 1+g.rnd.Int64N(seedItems))
	if err != nil {
		return err
	}
	n := g.counts.items.Load() + 1
	desc := fmt.Sprintf("Товар (изменение %d)", n)
	if _, err := tx.Exec(ctx, "UPDATE "+ol.Table.PG()+" SET _description = $1, _version = _version + 1 WHERE _idrref = $2",
		desc, ref.ID); err != nil {
		return fmt.Errorf("update %s: %w", objItems, err)
	}
	if err := g.register(ctx, tx, objItems, ref); err != nil {
		return err
	}
	id, _ := uuid1c.UUIDFromBinary1C(ref.ID)
	if err := g.message(ctx, tx, "Номенклатура", id, map[string]any{"номенклатура": id, "наименование": desc}); err != nil {
		return err
	}
	g.counts.items.Add(1)
	return nil
}

// deleteSale deletes the oldest live sales document with its lines, as
// 1C's deletion of marked objects does, and registers the change (the
// changes source then sends op d and a tombstone).
func (g *generator) deleteSale(ctx context.Context, tx pgx.Tx) error {
	b := g.ib.built
	ol, err := b.Object(objSale)
	if err != nil {
		return err
	}
	ref := g.liveSales[0]
	for _, sl := range ol.Sections {
		if _, err := tx.Exec(ctx, "DELETE FROM "+sl.Table.PG()+" WHERE "+pgx.Identifier{strings.ToLower(sl.OwnerKey)}.Sanitize()+" = $1", ref.ID); err != nil {
			return fmt.Errorf("delete lines of %s: %w", objSale, err)
		}
	}
	if _, err := tx.Exec(ctx, "DELETE FROM "+ol.Table.PG()+" WHERE _idrref = $1", ref.ID); err != nil {
		return fmt.Errorf("delete %s: %w", objSale, err)
	}
	if err := g.register(ctx, tx, objSale, ref); err != nil {
		return err
	}
	g.liveSales = g.liveSales[1:]
	g.counts.deletions.Add(1)
	return nil
}

// register registers a change of a catalog item or document for node
// KAFKA. A registration still pending is reset to "not sent" (_MessageNo
// NULL), as the platform does, instead of inserting a duplicate.
func (g *generator) register(ctx context.Context, tx pgx.Tx, obj string, ref onectest.Reference) error {
	ol, err := g.ib.built.Object(obj)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, "UPDATE "+ol.ChangeTable.PG()+" SET _messageno = NULL WHERE _noderref = $1 AND _idrref = $2",
		g.ib.nodeRef, ref.ID)
	if err != nil {
		return fmt.Errorf("re-register %s: %w", obj, err)
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	return g.ib.built.RegisterChange(ctx, tx, exchangePlan, exchangeNode, obj, onectest.Row{"Ссылка": ref})
}

// message puts one outbox message: the next НомерСообщения, a type, a key
// and a JSON body.
func (g *generator) message(ctx context.Context, tx pgx.Tx, typ, key string, body map[string]any) error {
	n := g.counts.messages.Load() + 1
	body["номер"] = n
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("outbox message body: %w", err)
	}
	err = g.ib.built.PutOutgoing(ctx, tx, []onectest.QueueMessage{{Number: n, Type: typ, Key: key,
		Headers: fmt.Sprintf(`{"source":"onec-demo","type":%q}`, typ), Body: string(b), Created: time.Now().UTC()}})
	if err != nil {
		return err
	}
	g.counts.messages.Add(1)
	return nil
}

// kopecks formats an amount in kopecks as rubles with two decimals.
func kopecks(k int64) string { return fmt.Sprintf("%d.%02d", k/100, k%100) }
