package onectest

import "fmt"

// Trade returns the ready "trade" configuration used by tests, the demo and
// benchmarks. See the package documentation for its objects.
func Trade() *Configuration {
	const (
		items  = "Справочник.Номенклатура"
		counts = "Справочник.Контрагенты"
		sale   = "Документ.РеализацияТоваровУслуг"
		vat    = "Перечисление.СтавкиНДС"
		prices = "РегистрСведений.ЦеныНоменклатуры"
		sales  = "РегистрНакопления.Продажи"
		outQ   = "РегистрСведений.ИсходящаяОчередь"
		inQ    = "РегистрСведений.ВходящаяОчередь"
		org    = "Константа.НаименованиеОрганизации"
	)
	return &Configuration{
		Name:                 "Торговля",
		Synonym:              "Торговля (тестовая)",
		CompatibilityVersion: "8.3.23",
		Objects: []*Object{
			{Kind: Enum, Name: "СтавкиНДС", Synonym: "Ставки НДС", EnumValues: []string{"БезНДС", "НДС10", "НДС20"}},
			{Kind: Catalog, Name: "Номенклатура", Synonym: "Номенклатура", CodeLength: 11, DescriptionLength: 100,
				Attributes: []Attribute{
					{Name: "Артикул", Synonym: "Артикул", Type: String(25)},
					{Name: "ЕдиницаИзмерения", Synonym: "Единица измерения", Type: FixedString(10)},
					{Name: "СтавкаНДС", Synonym: "Ставка НДС", Type: Ref(vat)},
					{Name: "Вес", Synonym: "Вес", Type: NonNegative(15, 3)},
					{Name: "Услуга", Synonym: "Услуга", Type: Bool()},
					{Name: "Описание", Synonym: "Описание", Type: String(0)},
				}},
			{Kind: Catalog, Name: "Контрагенты", Synonym: "Контрагенты", CodeLength: 9, DescriptionLength: 150,
				Attributes: []Attribute{
					{Name: "ИНН", Synonym: "ИНН", Type: String(12)},
					{Name: "КПП", Synonym: "КПП", Type: String(9)},
					{Name: "ПолноеНаименование", Synonym: "Полное наименование", Type: String(0)},
					{Name: "ДатаРегистрации", Synonym: "Дата регистрации", Type: Date()},
				}},
			{Kind: Document, Name: "РеализацияТоваровУслуг", Synonym: "Реализация товаров и услуг",
				NumberLength: 11, NumberPeriodicity: PeriodYear, Registers: []string{sales},
				Attributes: []Attribute{
					{Name: "Контрагент", Synonym: "Контрагент", Type: Ref(counts)},
					{Name: "СуммаДокумента", Synonym: "Сумма документа", Type: Number(15, 2)},
					{Name: "Комментарий", Synonym: "Комментарий", Type: String(0)},
					{Name: "Основание", Synonym: "Основание", Type: Composite(String(50), Number(15, 2), DateTime(), Bool(), Ref(items), Ref(counts))},
				},
				TabularSections: []TabularSection{{Name: "Товары", Synonym: "Товары", Attributes: []Attribute{
					{Name: "Номенклатура", Synonym: "Номенклатура", Type: Ref(items)},
					{Name: "Количество", Synonym: "Количество", Type: Number(15, 3)},
					{Name: "Цена", Synonym: "Цена", Type: Number(15, 2)},
					{Name: "Сумма", Synonym: "Сумма", Type: Number(15, 2)},
					{Name: "СтавкаНДС", Synonym: "Ставка НДС", Type: Ref(vat)},
				}}}},
			{Kind: InformationRegister, Name: "ЦеныНоменклатуры", Synonym: "Цены номенклатуры", Periodicity: PeriodDay,
				Dimensions: []Attribute{
					{Name: "Номенклатура", Synonym: "Номенклатура", Type: Ref(items)},
					{Name: "ВидЦены", Synonym: "Вид цены", Type: String(25)},
				},
				Resources:  []Attribute{{Name: "Цена", Synonym: "Цена", Type: NonNegative(15, 2)}},
				Attributes: []Attribute{{Name: "Валюта", Synonym: "Валюта", Type: FixedString(3)}}},
			{Kind: AccumulationRegister, Name: "Продажи", Synonym: "Продажи", Turnovers: true,
				Dimensions: []Attribute{
					{Name: "Номенклатура", Synonym: "Номенклатура", Type: Ref(items)},
					{Name: "Контрагент", Synonym: "Контрагент", Type: Ref(counts)},
				},
				Resources: []Attribute{
					{Name: "Количество", Synonym: "Количество", Type: Number(15, 3)},
					{Name: "Сумма", Synonym: "Сумма", Type: Number(15, 2)},
				}},
			queueRegister("ИсходящаяОчередь", "Исходящая очередь", []Attribute{
				{Name: "НомерСообщения", Synonym: "Номер сообщения", Type: NonNegative(19, 0)},
			}, Attribute{Name: "ДатаСоздания", Synonym: "Дата создания", Type: DateTime()}),
			queueRegister("ВходящаяОчередь", "Входящая очередь", []Attribute{
				{Name: "Топик", Synonym: "Топик", Type: String(249)},
				{Name: "Раздел", Synonym: "Раздел", Type: NonNegative(10, 0)},
				{Name: "Смещение", Synonym: "Смещение", Type: NonNegative(19, 0)},
			}, Attribute{Name: "ДатаПоступления", Synonym: "Дата поступления", Type: DateTime()}),
			{Kind: Constant, Name: "НаименованиеОрганизации", Synonym: "Наименование организации", Type: String(100)},
			{Kind: ExchangePlan, Name: "Kafka", Synonym: "Обмен с Kafka", CodeLength: 9, DescriptionLength: 100,
				Content: []string{items, counts, sale, prices, org},
				Nodes: []ExchangeNode{
					{Code: "ЦБ", Description: "Центральная база", ThisNode: true},
					{Code: "KAFKA", Description: "Kafka"},
					{Code: "АРХИВ", Description: "Архив"},
				}},
		},
	}
}

// queueRegister is a non-periodic independent information register with
// the given key dimensions and the message resources of both queues.
func queueRegister(name, synonym string, dims []Attribute, when Attribute) *Object {
	return &Object{Kind: InformationRegister, Name: name, Synonym: synonym, Dimensions: dims,
		Resources: []Attribute{
			{Name: "ТипСообщения", Synonym: "Тип сообщения", Type: String(100)},
			{Name: "Ключ", Synonym: "Ключ", Type: String(150)},
			{Name: "Заголовки", Synonym: "Заголовки", Type: String(0)},
			{Name: "Тело", Synonym: "Тело", Type: String(0)},
			when,
		}}
}

// Synthetic returns a generated configuration of the given size for
// metadata benchmarks: objects split into catalogs (half), documents with
// one tabular section (three tenths) and information registers (the rest),
// each with attrsPerObject attributes of mixed types, references to the
// first catalogs included, and one exchange plan holding every tenth
// object. 3,000 objects × 20 attributes is about the size of 1C:ERP.
func Synthetic(objects, attrsPerObject int) *Configuration {
	cfg := &Configuration{Name: fmt.Sprintf("Synthetic%dx%d", objects, attrsPerObject), CompatibilityVersion: "8.3.23"}
	catalogs := max(objects/2, 1)
	docs := objects * 3 / 10
	ref := func(i int) string {
		return fmt.Sprintf("Справочник.Справочник%d", i%min(catalogs, 10)+1)
	}
	attrs := func(obj, n int) []Attribute {
		out := make([]Attribute, n)
		for j := range n {
			var t Type
			switch j % 7 {
			case 0:
				t = String(50)
			case 1:
				t = Number(15, 2)
			case 2:
				t = DateTime()
			case 3:
				t = Bool()
			case 4:
				t = Ref(ref(obj + j))
			case 5:
				t = String(0)
			case 6:
				t = Composite(String(20), Number(10, 0), Ref(ref(obj+j), ref(obj+j+1)))
			}
			out[j] = Attribute{Name: fmt.Sprintf("Реквизит%d", j+1), Type: t}
		}
		return out
	}
	var content []string
	for i := range objects {
		var o *Object
		switch {
		case i < catalogs:
			o = &Object{Kind: Catalog, Name: fmt.Sprintf("Справочник%d", i+1), CodeLength: 9, DescriptionLength: 100, Attributes: attrs(i, attrsPerObject)}
		case i < catalogs+docs:
			n := attrsPerObject * 2 / 3
			o = &Object{Kind: Document, Name: fmt.Sprintf("Документ%d", i+1), Attributes: attrs(i, n),
				TabularSections: []TabularSection{{Name: "Строки", Attributes: attrs(i+1, attrsPerObject-n)}}}
		default:
			a := attrs(i, attrsPerObject)
			dims := 1
			for k := range a[:dims] {
				a[k].Type = String(50) // dimensions must be bounded
			}
			o = &Object{Kind: InformationRegister, Name: fmt.Sprintf("Регистр%d", i+1), Dimensions: a[:dims], Resources: a[dims:]}
		}
		if i%10 == 0 {
			content = append(content, o.FullName())
		}
		cfg.Objects = append(cfg.Objects, o)
	}
	cfg.Objects = append(cfg.Objects, &Object{Kind: ExchangePlan, Name: "Обмен", Content: content,
		Nodes: []ExchangeNode{{Code: "ЦБ", ThisNode: true}, {Code: "KAFKA", Description: "Kafka"}}})
	return cfg
}
