// Package dialect hides the differences between the two database engines a
// 1C:Enterprise 8.3 infobase can live on, PostgreSQL and Microsoft SQL
// Server, behind one [Dialect] interface.
//
// It owns:
//   - identifier quoting, accepting only names shaped like 1C physical names
//     (_Reference12, _Fld345RRef, _Document7_VT9, _InfoRgChngR21) or our own
//     schema names; anything else is refused, as defense in depth, since
//     identifiers must come from metadata, never from users;
//   - SQL generation for keyset paging by the clustered key, locking reads
//     that skip locked rows, batched selects and deletes by key, sequences;
//     every value travels as a parameter, never inside the SQL text;
//   - value decoding and encoding between what the drivers (pgx,
//     go-mssqldb) hand over and canonical Go values: UUID strings in
//     canonical form for binary(16) references (1C byte order, see package
//     uuid1c), bool for binary(1)/boolean, string with mchar/nchar padding
//     trimmed, [decimal.Decimal] (github.com/shopspring/decimal) for numeric,
//     time.Time in UTC with the infobase year offset removed, []byte, int64;
//   - bulk insert (PostgreSQL: COPY … FROM STDIN in text format on a single
//     connection, INSERT … SELECT FROM unnest of typed arrays on a pool;
//     SQL Server: TDS bulk copy);
//   - a small execution abstraction, [Querier], over pgx (pgx.Tx,
//     *pgx.Conn, *pgxpool.Pool) and database/sql (*sql.Tx, *sql.Conn,
//     *sql.DB with go-mssqldb); for read paths, [PGXFast] decodes
//     PostgreSQL's binary wire values itself ([PGRowDecoder]) instead of
//     through pgx's generic Values.
//
// It must not know 1C metadata: callers describe tables with the plain
// [Table] and [Column] types (the metadata package builds them). It never
// starts transactions: locking reads and the deletes that follow them run in
// the caller's transaction, whose scope the caller documents.
//
// Strings on PostgreSQL. 1C stores strings as mchar/mvarchar, types of the
// mchar extension whose OIDs differ per database and whose binary wire
// format is UTF-16. The dialect therefore always selects string columns as
// col::text and leaves parameters compared with string columns untyped (the
// server gives them the column's type, and pgx sends Go strings in text
// format), and bulk insert uses text COPY or text[] arrays, so no binary
// mchar value ever crosses the wire.
//
// All values returned by this package are safe for concurrent use; the
// dialects are stateless.
package dialect
