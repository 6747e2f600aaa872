package onectest

// MCharEmulationSQL creates the base types mvarchar and mchar on a vanilla
// PostgreSQL, built on PostgreSQL's own varchar/bpchar C functions
// (1c-layout.md §7.3, §12.2), plus case-insensitive = and <> operators as
// 1C's mchar extension has them. It needs superuser (LANGUAGE internal).
// Differences from the real extension: the binary wire format is UTF-8
// (real: UTF-16LE), ordering and unique indexes are case-sensitive (they
// use text's btree operators through the binary-compatible cast; real:
// case-insensitive), and errors name character varying.
const MCharEmulationSQL = `
CREATE TYPE mvarchar;
CREATE FUNCTION mvarchar_in(cstring, oid, integer) RETURNS mvarchar LANGUAGE internal IMMUTABLE STRICT AS 'varcharin';
CREATE FUNCTION mvarchar_out(mvarchar) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'varcharout';
CREATE FUNCTION mvarchar_recv(internal, oid, integer) RETURNS mvarchar LANGUAGE internal STABLE STRICT AS 'varcharrecv';
CREATE FUNCTION mvarchar_send(mvarchar) RETURNS bytea LANGUAGE internal STABLE STRICT AS 'varcharsend';
CREATE TYPE mvarchar (INPUT = mvarchar_in, OUTPUT = mvarchar_out, RECEIVE = mvarchar_recv, SEND = mvarchar_send,
  TYPMOD_IN = varchartypmodin, TYPMOD_OUT = varchartypmodout, INTERNALLENGTH = VARIABLE,
  STORAGE = extended, CATEGORY = 'S', COLLATABLE = true, ALIGNMENT = int4);
CREATE FUNCTION mvarchar(mvarchar, integer, boolean) RETURNS mvarchar LANGUAGE internal IMMUTABLE STRICT AS 'varchar';
CREATE CAST (mvarchar AS mvarchar) WITH FUNCTION mvarchar(mvarchar, integer, boolean) AS IMPLICIT;
CREATE CAST (mvarchar AS text)    WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (text AS mvarchar)    WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (mvarchar AS varchar) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (varchar AS mvarchar) WITHOUT FUNCTION AS IMPLICIT;

CREATE TYPE mchar;
CREATE FUNCTION mchar_in(cstring, oid, integer) RETURNS mchar LANGUAGE internal IMMUTABLE STRICT AS 'bpcharin';
CREATE FUNCTION mchar_out(mchar) RETURNS cstring LANGUAGE internal IMMUTABLE STRICT AS 'bpcharout';
CREATE FUNCTION mchar_recv(internal, oid, integer) RETURNS mchar LANGUAGE internal STABLE STRICT AS 'bpcharrecv';
CREATE FUNCTION mchar_send(mchar) RETURNS bytea LANGUAGE internal STABLE STRICT AS 'bpcharsend';
CREATE TYPE mchar (INPUT = mchar_in, OUTPUT = mchar_out, RECEIVE = mchar_recv, SEND = mchar_send,
  TYPMOD_IN = bpchartypmodin, TYPMOD_OUT = bpchartypmodout, INTERNALLENGTH = VARIABLE,
  STORAGE = extended, CATEGORY = 'S', COLLATABLE = true, ALIGNMENT = int4);
CREATE FUNCTION mchar(mchar, integer, boolean) RETURNS mchar LANGUAGE internal IMMUTABLE STRICT AS 'bpchar';
CREATE CAST (mchar AS mchar)  WITH FUNCTION mchar(mchar, integer, boolean) AS IMPLICIT;
CREATE CAST (mchar AS bpchar) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (bpchar AS mchar) WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (text AS mchar)   WITHOUT FUNCTION AS IMPLICIT;
CREATE CAST (mchar AS text)   WITH FUNCTION pg_catalog.text(bpchar) AS IMPLICIT;

CREATE FUNCTION mvarchar_icase_eq(mvarchar, mvarchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) = lower($2::text)';
CREATE FUNCTION mvarchar_icase_ne(mvarchar, mvarchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) <> lower($2::text)';
CREATE OPERATOR = (LEFTARG = mvarchar, RIGHTARG = mvarchar, FUNCTION = mvarchar_icase_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = mvarchar, RIGHTARG = mvarchar, FUNCTION = mvarchar_icase_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE FUNCTION mchar_icase_eq(mchar, mchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) = lower($2::text)';
CREATE FUNCTION mchar_icase_ne(mchar, mchar) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT
  AS 'SELECT lower($1::text) <> lower($2::text)';
CREATE OPERATOR = (LEFTARG = mchar, RIGHTARG = mchar, FUNCTION = mchar_icase_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel);
CREATE OPERATOR <> (LEFTARG = mchar, RIGHTARG = mchar, FUNCTION = mchar_icase_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
`
