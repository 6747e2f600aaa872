// Package metadata reads the metadata of a 1C:Enterprise 8.3 infobase (or of a
// .cf configuration file) into an immutable model: object kinds, attributes,
// tabular sections, registers' dimensions and resources, enum values,
// exchange-plan content, their types, and, for an infobase, the physical
// tables and columns that hold them (1c-layout.md §1–§10).
//
// Entry points: Open (a DSN, postgres:// or sqlserver://) returns a *Reader
// whose Snapshot is an immutable *Infobase, reloaded on configuration change
// and swapped atomically; Load builds an *Infobase from any FileSource; LoadCF
// reads a .cf file. (*Infobase).Lookup resolves user-facing names in Russian
// or English. (*Object).ConnectSchema maps an object to a Connect schema.
//
// File bodies follow §1.3 (InflateBody, DeflateBody, both in this package);
// the brace text format is in subpackage brace; 1C's UUID byte order is in
// connectors/onec/uuid1c.
//
// The package does not read or write data rows, and knows no SQL beyond the
// reads of the Config, Params and _YearOffset system tables. Subpackage
// rowmap converts data rows to Connect values and back by this model.
//
// Tests: the reader is checked against the real samples in
// ../shared/testdata/1c and, in round trips, against databases built by
// connectors/onec/onectest on PostgreSQL (every table and column compared
// with information_schema and with the builder's layout; Refresh after a
// restructuring) and, when ONEC_TEST_MSSQL_URL is set, on SQL Server.
// BenchmarkLoadERPSize loads onectest.Synthetic(3000, 20) (3,000 objects,
// 60,000 attributes): go test -run '^$' -bench LoadERPSize.
package metadata
