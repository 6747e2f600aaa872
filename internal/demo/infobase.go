package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// 1C names the demo uses (onectest.Trade's configuration).
const (
	objItems        = "Справочник.Номенклатура"
	objCounterparts = "Справочник.Контрагенты"
	objSale         = "Документ.РеализацияТоваровУслуг"
	objPrices       = "РегистрСведений.ЦеныНоменклатуры"
	enumVAT         = "Перечисление.СтавкиНДС"
	exchangePlan    = "ПланОбмена.Kafka"
	exchangeNode    = "KAFKA"
)

// changesObjects are the objects the changes source consumes, each with
// its own topic.
var changesObjects = []string{objItems, objCounterparts, objSale, objPrices}

// Sizes of the initial data of the trade infobase.
const (
	seedItems        = 30
	seedCounterparts = 10
	seedSales        = 5
	seedSaleLines    = 3
)

// infobase is one built demo infobase: its pool and layout. built is
// owned by the generator goroutine once it starts (onectest.Built is not
// safe for concurrent use); the table names below are read-only copies
// for the summary.
type infobase struct {
	name  string
	pool  *pgxpool.Pool
	built *onectest.Built

	outboxTable  string   // РегистрСведений.ИсходящаяОчередь
	inboxTable   string   // РегистрСведений.ВходящаяОчередь
	inboxBody    string   // its column Тело
	changeTables []string // change tables of changesObjects
	nodeRef      []byte   // _IDRRef of node KAFKA
}

// buildInfobase builds the trade configuration into pool's database.
func buildInfobase(ctx context.Context, name string, pool *pgxpool.Pool) (*infobase, error) {
	b, err := onectest.Build(ctx, pool, onectest.Trade())
	if err != nil {
		return nil, fmt.Errorf("build infobase %s: %w", name, err)
	}
	ib := &infobase{name: name, pool: pool, built: b}
	out, err := b.Object(onectest.OutgoingQueue)
	if err != nil {
		return nil, err
	}
	in, err := b.Object(onectest.IncomingQueue)
	if err != nil {
		return nil, err
	}
	ib.outboxTable, ib.inboxTable = out.Table.PG(), in.Table.PG()
	body, ok := in.Fields["Тело"]
	if !ok {
		return nil, fmt.Errorf("infobase %s: %s has no field Тело", name, onectest.IncomingQueue)
	}
	ib.inboxBody = strings.ToLower(body.Columns.Single)
	for _, o := range changesObjects {
		ol, err := b.Object(o)
		if err != nil {
			return nil, err
		}
		if ol.ChangeTable == nil {
			return nil, fmt.Errorf("infobase %s: %s has no change table", name, o)
		}
		ib.changeTables = append(ib.changeTables, ol.ChangeTable.PG())
	}
	if ib.nodeRef, err = b.NodeRef(exchangePlan, exchangeNode); err != nil {
		return nil, fmt.Errorf("infobase %s: %w", name, err)
	}
	return ib, nil
}

// seedTrade writes the initial data: items, counterparties, a few sales
// documents with their goods lines and a price for every item. The
// changes source's initial snapshot sends them.
func seedTrade(ctx context.Context, ib *infobase) error {
	b := ib.built
	for _, g := range []struct {
		obj   string
		n     int64
		lines int
	}{{objItems, seedItems, 0}, {objCounterparts, seedCounterparts, 0}, {objSale, seedSales, seedSaleLines}} {
		if _, err := b.Generate(ctx, ib.pool, g.obj, g.n, onectest.GenOptions{Lines: g.lines}); err != nil {
			return fmt.Errorf("seed %s: %w", g.obj, err)
		}
	}
	if err := b.GenerateRecords(ctx, ib.pool, objPrices, seedItems); err != nil {
		return fmt.Errorf("seed %s: %w", objPrices, err)
	}
	return nil
}

// countRows returns count(*) of a table (names come from the layout).
func countRows(ctx context.Context, pool *pgxpool.Pool, table string) (int64, error) {
	var n int64
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// unsentRegistrations counts the node's registrations over the change
// tables of changesObjects: what the changes source has not delivered yet.
func unsentRegistrations(ctx context.Context, ib *infobase) (int64, error) {
	parts := make([]string, len(ib.changeTables))
	for i, t := range ib.changeTables {
		parts[i] = "(SELECT count(*) FROM " + t + " WHERE _noderref = $1)"
	}
	var n int64
	if err := ib.pool.QueryRow(ctx, "SELECT "+strings.Join(parts, " + "), ib.nodeRef).Scan(&n); err != nil {
		return 0, fmt.Errorf("count registrations: %w", err)
	}
	return n, nil
}
