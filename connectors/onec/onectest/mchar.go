package onectest

import "strings"

// MCharEmulationSQL creates the base types mvarchar and mchar on a vanilla
// PostgreSQL, built on PostgreSQL's own varchar/bpchar C functions
// (1c-layout.md §7.3, §12.2), and the comparison operators and operator
// classes of 1C's mchar extension: case-insensitive = <> < <= >= > within
// and across the two types, default btree classes mvarchar_icase_ops and
// mchar_icase_ops (so ORDER BY, unique indexes and row comparisons such as
// (s, n) > ($1, $2) use them, as on 1C's PostgreSQL) and default hash
// classes. It needs superuser (LANGUAGE internal).
//
// It is idempotent: the types are created when missing, the operators and
// classes when mvarchar_icase_ops is missing, so it is a no-op where the
// real extension is installed, and it completes a database that holds the
// types from an older emulation with = and <> only.
//
// Comparison, as in the real extension, ignores trailing spaces of both
// types and case. Differences from the real extension: the order is the
// code-point order of lower() (lower in the column's collation, then
// compared as COLLATE "C"; real: ICU's root collation at secondary
// strength, where for example ё sorts after е rather than after я, and
// punctuation sorts differently); the case-sensitive *_case_ops classes
// (&< &= …) and fulleq's == are absent; LIKE stays case-sensitive (text's,
// through the cast); the binary wire format is UTF-8 (real: UTF-16LE);
// errors name character varying. The comparison functions are PL/pgSQL, so
// index maintenance on string columns costs a few microseconds a row more
// than on text (SQL-language functions would be inlined by the planner and
// stop indexes from matching the operators).
var MCharEmulationSQL = `DO $install$
BEGIN
IF to_regtype('mvarchar') IS NULL THEN
  EXECUTE $types$` + mcharTypesSQL + `$types$;
END IF;
IF NOT EXISTS (SELECT FROM pg_opclass WHERE opcname = 'mvarchar_icase_ops') THEN
  EXECUTE $funcs$` + mcharFuncsSQL + `$funcs$;
  -- An older emulation created = and <> already (its functions were
  -- replaced above).
  IF to_regoperator('=(mvarchar,mvarchar)') IS NULL THEN
    EXECUTE $eq$` + mcharEqSQL + `$eq$;
  END IF;
  EXECUTE $ops$` + mcharOpsSQL + `$ops$;
END IF;
END
$install$;
`

// mcharTypesSQL is the DDL of 1c-layout.md §12.2: the two base types on
// varchar/bpchar's I/O and length-coercion functions, and binary-compatible
// implicit casts to and from text (the mchar → text cast strips padding).
const mcharTypesSQL = `
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
`

// mcharPairs are the argument type pairs of the real extension's icase
// comparison functions (its names: mvarchar_icase_cmp, mc_mv_icase_lt, …):
// each type with itself, and across, where the (mchar, mvarchar)
// operators belong to mchar's btree family and (mvarchar, mchar) to
// mvarchar's.
var mcharPairs = []struct{ prefix, left, right string }{
	{"mvarchar", "mvarchar", "mvarchar"},
	{"mchar", "mchar", "mchar"},
	{"mc_mv", "mchar", "mvarchar"},
	{"mv_mc", "mvarchar", "mchar"},
}

// mcharKey is the comparison key of an argument: lower case without
// trailing spaces (the real extension's lengthWithoutSpace* and
// UCharCaseCompare). mchar's cast to text already strips the padding.
var mcharKey = map[string]func(arg string) string{
	"mvarchar": func(arg string) string { return "lower(rtrim(" + arg + "::text, ' '))" },
	"mchar":    func(arg string) string { return "lower(" + arg + "::text)" },
}

// mcharFuncTemplate is one pair's comparison functions: PL/pgSQL, which the
// planner never inlines (an inlined SQL function would turn s = $1 into
// lower(s::text) = … and no index would match it); the keys compare as
// COLLATE "C", byte (code-point) order, so the order is total, agrees with
// = and does not depend on the database's locale beyond lower().
const mcharFuncTemplate = `
CREATE OR REPLACE FUNCTION {p}_icase_cmp({l}, {r}) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN bttextcmp({kl} COLLATE "C", {kr}); END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_eq({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" = {kr}; END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_ne({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" <> {kr}; END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_lt({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" < {kr}; END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_le({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" <= {kr}; END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_gt({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" > {kr}; END$f$;
CREATE OR REPLACE FUNCTION {p}_icase_ge({l}, {r}) RETURNS boolean LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN {kl} COLLATE "C" >= {kr}; END$f$;
`

// mcharHashSQL are the hash support functions (real: mvarchar_hash and
// mchar_hash, over case-folded text without trailing spaces): equal keys
// hash alike, as the hash classes require.
var mcharHashSQL = `
CREATE OR REPLACE FUNCTION mvarchar_hash(mvarchar) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN hashtext(` + mcharKey["mvarchar"]("$1") + ` COLLATE "C"); END$f$;
CREATE OR REPLACE FUNCTION mchar_hash(mchar) RETURNS integer LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$BEGIN RETURN hashtext(` + mcharKey["mchar"]("$1") + ` COLLATE "C"); END$f$;
`

// mcharFuncsSQL is every comparison and hash function.
var mcharFuncsSQL = func() string {
	var b strings.Builder
	for _, p := range mcharPairs {
		b.WriteString(strings.NewReplacer("{p}", p.prefix, "{l}", p.left, "{r}", p.right,
			"{kl}", mcharKey[p.left]("$1"), "{kr}", mcharKey[p.right]("$2")).Replace(mcharFuncTemplate))
	}
	return b.String() + mcharHashSQL
}()

// mcharEqTemplate is one pair's = and <>; {join} is HASHES, MERGES for a
// type with itself (as in the real extension) and empty across types,
// whose = is in no hash family.
const mcharEqTemplate = `
CREATE OPERATOR = (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel{join});
CREATE OPERATOR <> (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
`

// mcharOrderTemplate is one pair's ordering operators.
const mcharOrderTemplate = `
CREATE OPERATOR < (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (LEFTARG = {l}, RIGHTARG = {r}, FUNCTION = {p}_icase_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);
`

// mcharEqSQL is = and <> of mvarchar and mchar with themselves: the part an
// older emulation already has.
var mcharEqSQL = func() string {
	var b strings.Builder
	for _, p := range mcharPairs[:2] {
		b.WriteString(strings.NewReplacer("{p}", p.prefix, "{l}", p.left, "{r}", p.right,
			"{join}", ", HASHES, MERGES").Replace(mcharEqTemplate))
	}
	return b.String()
}()

// mcharOpsSQL is the remaining operators and the operator classes, named
// and laid out as the real extension's: default btree classes holding the
// same-type and the cross-type operators, default hash classes.
var mcharOpsSQL = func() string {
	var b strings.Builder
	for i, p := range mcharPairs {
		r := strings.NewReplacer("{p}", p.prefix, "{l}", p.left, "{r}", p.right, "{join}", "")
		if i >= 2 {
			b.WriteString(r.Replace(mcharEqTemplate))
		}
		b.WriteString(r.Replace(mcharOrderTemplate))
	}
	return b.String() + `
CREATE OPERATOR CLASS mvarchar_icase_ops DEFAULT FOR TYPE mvarchar USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 mvarchar_icase_cmp(mvarchar, mvarchar),
  OPERATOR 1 < (mvarchar, mchar), OPERATOR 2 <= (mvarchar, mchar), OPERATOR 3 = (mvarchar, mchar),
  OPERATOR 4 >= (mvarchar, mchar), OPERATOR 5 > (mvarchar, mchar),
  FUNCTION 1 mv_mc_icase_cmp(mvarchar, mchar);
CREATE OPERATOR CLASS mchar_icase_ops DEFAULT FOR TYPE mchar USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 mchar_icase_cmp(mchar, mchar),
  OPERATOR 1 < (mchar, mvarchar), OPERATOR 2 <= (mchar, mvarchar), OPERATOR 3 = (mchar, mvarchar),
  OPERATOR 4 >= (mchar, mvarchar), OPERATOR 5 > (mchar, mvarchar),
  FUNCTION 1 mc_mv_icase_cmp(mchar, mvarchar);
CREATE OPERATOR CLASS mvarchar_icase_ops DEFAULT FOR TYPE mvarchar USING hash AS
  OPERATOR 1 =, FUNCTION 1 mvarchar_hash(mvarchar);
CREATE OPERATOR CLASS mchar_icase_ops DEFAULT FOR TYPE mchar USING hash AS
  OPERATOR 1 =, FUNCTION 1 mchar_hash(mchar);
`
}()
