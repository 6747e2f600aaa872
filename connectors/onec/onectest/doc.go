// Package onectest builds 1C-shaped PostgreSQL databases for tests, the demo
// and benchmarks, and emits the equivalent SQL Server DDL/DML as text.
//
// Input is a declarative Configuration (catalogs, documents with tabular
// sections, enums, constants, information and accumulation registers,
// exchange plans with content and nodes; attributes with 1C types built by
// String, Number, Date, Ref, Composite, …). Plan computes the physical
// layout without a database: DBNames codes, table and column names per
// 1c-layout.md §4–§6 and the brace descriptors. Build writes it to an empty
// database: the mchar/mvarchar emulation (MCharEmulationSQL, superuser), the
// system tables (config, params, configsave, files, dbschema,
// schemastorage, ibversion, _yearoffset), every object table lower-cased,
// and the Config and Params rows in 1C's genuine encoding — brace text with
// a BOM, raw DEFLATE, DBNames — so a metadata reader is tested against the
// real format. The descriptor templates copy real 8.3 descriptors item by
// item (see descriptors.go). The rows "version" and "DBNamesVersion-DBNames"
// are stored uncompressed with a BOM, as some real rows are; the rest are
// deflated. DBNames starts with a few zero-UUID platform entries whose
// tables are not created (a reader must skip them).
//
// Data: InsertObject, InsertRecords, RegisterChange and PutOutgoing write
// explicit rows given by 1C names (Row); Generate, GenerateRecords,
// GenerateOutgoing and RegisterAll produce bulk data inside PostgreSQL with
// INSERT … SELECT FROM generate_series (Cyrillic strings, references to
// earlier generated rows, composite values cycling through their parts,
// deletion marks, tabular sections, change registrations for a node).
// Generated row n of an object has the _IDRRef RowID(object UUID, n), a
// version-1 UUID shaped as the platform makes them: an object's rows sort
// by n in 1C's byte order, so its clustered key follows insertion order as
// in a real infobase. Built.Ref gives it back as a Reference.
//
// Trade returns the ready configuration "Торговля": Перечисление.СтавкиНДС;
// Справочник.Номенклатура and Справочник.Контрагенты;
// Документ.РеализацияТоваровУслуг with tabular section Товары and a
// composite attribute Основание, posting to РегистрНакопления.Продажи
// (turnovers); РегистрСведений.ЦеныНоменклатуры (periodic by day);
// Константа.НаименованиеОрганизации; the queue registers; and
// ПланОбмена.Kafka with nodes ЦБ (this node), KAFKA and АРХИВ, whose content
// is Номенклатура, Контрагенты, РеализацияТоваровУслуг, ЦеныНоменклатуры
// and the constant.
//
// The queue registers are independent, non-periodic information registers,
// the way a 1C integrator builds an outbox and an inbox:
//
//   - РегистрСведений.ИсходящаяОчередь (outbox, written by 1C code, read and
//     deleted by the queue source): dimension НомерСообщения Число(19,0,
//     неотрицательное), assigned from a counter, increasing, the order of
//     delivery; resources ТипСообщения Строка(100), Ключ Строка(150) (the
//     Kafka key), Заголовки Строка(неогр.) (JSON object of headers),
//     Тело Строка(неогр.) (the payload) and ДатаСоздания ДатаВремя.
//   - РегистрСведений.ВходящаяОчередь (inbox, written by the queue sink, read
//     by 1C code): dimensions Топик Строка(249), Раздел Число(10,0) and
//     Смещение Число(19,0) — the Kafka coordinates, so a record is written
//     once and the sink can recover its offsets from the register in the same
//     transaction; resources as the outbox with ДатаПоступления instead of
//     ДатаСоздания.
//
// AddAttribute changes a built configuration the way restructuring does
// (new DBNames entry, ALTER TABLE, descriptor and DBNames rewritten with a
// later modification time), for tests of change detection.
//
// Synthetic builds configurations of any size for metadata benchmarks
// (Synthetic(3000, 20) has 60,000 attributes, the size of 1C:ERP).
//
// Limits of the emulation on vanilla PostgreSQL: mvarchar/mchar '=' and
// '<>' are case-insensitive as in 1C, but ordering and unique indexes are
// case-sensitive, and the binary wire format is UTF-8 rather than UTF-16.
// Readers should cast string columns to text. The package imports only
// metadata/brace and uuid1c from the 1C packages, so the metadata reader's
// tests may import it without a cycle. Built is not safe for concurrent use.
package onectest
