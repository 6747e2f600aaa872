// Package schematest holds shared test fixtures for the data model: a
// 1C-like record used by converter tests, round trips and benchmarks.
package schematest

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// OneCSchema returns the schema of a sales document as a 1C connector emits
// it: 20 fields with Cyrillic names, references as UUID strings, decimals,
// timestamps, an enum by name, a composite value and a tabular section
// «Товары» as an array of structs.
func OneCSchema() *schema.Schema {
	row := schema.StructBuilder().Name("Документ.РеализацияТоваровУслуг.Товары").
		Field("НомерСтроки", schema.Int32().MustBuild()).
		Field("Номенклатура", schema.String().MustBuild()).
		Field("Количество", schema.Decimal(3).Param("connect.decimal.precision", "15").MustBuild()).
		Field("Цена", schema.Decimal(2).Param("connect.decimal.precision", "15").MustBuild()).
		Field("Сумма", schema.Decimal(2).Param("connect.decimal.precision", "15").MustBuild()).
		Field("СтавкаНДС", schema.String().Optional().MustBuild()).
		MustBuild()
	composite := schema.StructBuilder().Name("onec.Composite").Optional().
		Field("type", schema.String().MustBuild()).
		Field("value", schema.String().Optional().MustBuild()).
		MustBuild()
	return schema.StructBuilder().Name("Документ.РеализацияТоваровУслуг").Version(1).
		Field("Ссылка", schema.String().MustBuild()).
		Field("ВерсияДанных", schema.String().MustBuild()).
		Field("ПометкаУдаления", schema.Bool().MustBuild()).
		Field("Номер", schema.String().MustBuild()).
		Field("Дата", schema.Timestamp().MustBuild()).
		Field("Проведен", schema.Bool().MustBuild()).
		Field("Контрагент", schema.String().Optional().MustBuild()).
		Field("Организация", schema.String().Optional().MustBuild()).
		Field("Склад", schema.String().Optional().MustBuild()).
		Field("СуммаДокумента", schema.Decimal(2).Param("connect.decimal.precision", "15").MustBuild()).
		Field("СуммаНДС", schema.Decimal(2).Optional().Param("connect.decimal.precision", "15").MustBuild()).
		Field("Комментарий", schema.String().Optional().MustBuild()).
		Field("ДатаОтгрузки", schema.Date().Optional().MustBuild()).
		Field("ВремяДоставки", schema.Time().Optional().MustBuild()).
		Field("КоличествоМест", schema.Int64().Optional().MustBuild()).
		Field("Вес", schema.Float64().Optional().MustBuild()).
		Field("Основание", composite).
		Field("ВидОперации", schema.String().Optional().MustBuild()).
		Field("Вложение", schema.Bytes().Optional().MustBuild()).
		Field("Товары", schema.Array(row).MustBuild()).
		MustBuild()
}

// OneCRecord returns a value of OneCSchema with deterministic content and a
// 10-row tabular section. seed varies the values.
func OneCRecord(s *schema.Schema, seed int) *schema.Struct {
	rowSchema := mustField(s, "Товары").ValueSchema()
	rows := make([]any, 10)
	total := decimal.Zero
	for i := range rows {
		qty := decimal.New(int64(1000+i*250+seed), -3)
		price := decimal.New(int64(12345+i*100), -2)
		sum := qty.Mul(price).Round(2)
		total = total.Add(sum)
		r := schema.NewStruct(rowSchema)
		r.MustPut("НомерСтроки", int32(i+1))
		r.MustPut("Номенклатура", fmt.Sprintf("6f1c2a0e-3b4d-4c5e-8f90-%012x", i+seed))
		r.MustPut("Количество", qty)
		r.MustPut("Цена", price)
		r.MustPut("Сумма", sum)
		r.MustPut("СтавкаНДС", "НДС20")
		rows[i] = r
	}
	comp := schema.NewStruct(mustField(s, "Основание"))
	comp.MustPut("type", "Документ.ЗаказКлиента")
	comp.MustPut("value", "0b7e1f9a-5c2d-4e8f-9a1b-2c3d4e5f6a7b")
	st := schema.NewStruct(s)
	st.MustPut("Ссылка", fmt.Sprintf("a1b2c3d4-e5f6-4a7b-8c9d-%012x", seed))
	st.MustPut("ВерсияДанных", "AAAAAQAAAAA=")
	st.MustPut("ПометкаУдаления", false)
	st.MustPut("Номер", fmt.Sprintf("ТД00-%06d", seed))
	st.MustPut("Дата", time.Date(2024, 3, 15, 10, 30, 0, 0, time.UTC))
	st.MustPut("Проведен", true)
	st.MustPut("Контрагент", "9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a")
	st.MustPut("Организация", "1a2b3c4d-5e6f-4708-9a0b-1c2d3e4f5a6b")
	st.MustPut("Склад", nil)
	st.MustPut("СуммаДокумента", total)
	st.MustPut("СуммаНДС", total.Mul(decimal.New(20, -2)).Round(2))
	st.MustPut("Комментарий", "Отгрузка «Ромашке», срочно — ёлки и Ёжики")
	st.MustPut("ДатаОтгрузки", time.Date(2024, 3, 16, 0, 0, 0, 0, time.UTC))
	st.MustPut("ВремяДоставки", time.UnixMilli(9*3600*1000+1500).UTC())
	st.MustPut("КоличествоМест", int64(12))
	st.MustPut("Вес", 125.5)
	st.MustPut("Основание", comp)
	st.MustPut("ВидОперации", "ПродажаКомиссия")
	st.MustPut("Вложение", []byte{0x00, 0xd0, 0x9f, 0xff})
	st.MustPut("Товары", rows)
	return st
}

func mustField(s *schema.Schema, name string) *schema.Schema {
	f, ok := s.Field(name)
	if !ok {
		panic("schematest: no field " + name)
	}
	return f.Schema
}
