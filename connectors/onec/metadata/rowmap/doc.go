// Package rowmap converts the rows of a 1C object's tables to Connect
// values and back: the value side of (*metadata.Object).ConnectSchema, the
// one mapping every 1C connector uses.
//
// A Mapper is built from an immutable *metadata.Infobase snapshot and an
// EnumResolver (by default the enum values of the model, whose UUIDs are the
// rows' _IDRRef, 1c-layout.md §8.4; LoadEnumsPG and LoadEnumsSQL read the
// enum tables instead). Mapper.Object returns an ObjectMapper for one
// object; it is immutable and safe for concurrent use.
//
// Reading. ObjectMapper.Struct takes the physical column values of one row
// of the main table, in the order of ObjectMapper.Columns, as the database
// driver returns them (pgx with string columns selected as ::text, or
// go-mssqldb), and the rows of each tabular section in the order of
// SectionColumns, and returns a *schema.Struct of ObjectMapper.Schema:
//
//   - references (binary(16), 1C byte order) → canonical UUID strings; the
//     empty reference (16 zero bytes) → null; references to enums → the
//     value name;
//   - composite values (_TYPE, _L, _N, _T, _S, _RTRef, _RRRef) → the
//     onec.Composite struct {type, value}: type "Undefined", "Boolean",
//     "Number", "Date", "String" or the referenced object's
//     English full name (Catalog.Номенклатура); value the text form
//     ("true", decimal text with the type's scale, RFC 3339 in UTC,
//     the string, the UUID or enum value name), null for Undefined and for
//     an empty reference; a NULL _TYPE (nullable columns) → null;
//   - ЭтоГруппа is un-inverted from _Folder (§6.1);
//   - dates → time.Time in UTC with the infobase's year offset removed
//     (§7.4); mchar/nchar padding is trimmed from fixed strings;
//   - numbers → decimal.Decimal, or float64 / string (decimal text with the
//     type's scale) by the decimal.handling.mode; ВерсияДанных and
//     КлючСтроки → int64; ValueStorage → []byte;
//   - tabular sections → arrays of structs (without the owner's Ссылка).
//
// ObjectMapper.Fields maps some properties only (a reader that selects
// only the columns it uses): FieldMapper.Values gives each property's
// value as Struct gives its field.
//
// Accepted driver values: []byte or canonical strings for references,
// []byte or integers for _TYPE tags and 4-byte type codes, bool or a
// one-byte []byte for booleans, pgtype.Numeric, decimal.Decimal, decimal
// text ([]byte or string), integers or float64 for numbers, time.Time for
// dates, string or []byte for strings. Dates are expected as stored, with
// the year offset; set Options.DatesWithoutOffset when they come from a
// decoder that already removed it.
//
// Writing. ObjectMapper.Values is the inverse for the main table (the sink
// that writes into a register): a Struct of the object's schema → one value
// per column of Columns, ready to bind as a query parameter: references as
// 16 bytes in 1C order (the empty reference for null), tags and type codes
// as bytes, booleans as bool on PostgreSQL and a one-byte []byte on SQL
// Server, numbers as decimal.Decimal, dates with the year offset added,
// strings as string, the unused parts of a composite as the platform's
// fillers. ВерсияДанных is written as int64 on PostgreSQL and as nil on SQL
// Server, where rowversion columns cannot be written: leave ColVersion
// columns out of the INSERT there.
package rowmap
