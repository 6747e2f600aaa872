// Package inspect implements `worker onec inspect`: it lists the metadata
// objects of a 1C infobase (read from PostgreSQL or SQL Server) or of a .cf
// configuration file, with their kind, name, synonym, table, columns,
// types and the Connect schema each maps to, or shows named objects in
// full. cmd/worker calls Main.
//
//	worker onec inspect (--dsn DSN | --cf FILE) [OBJECT ...] [--format table|json]
//	    [--user USER] [--password PASSWORD] [--timeout 30s]
//	    [--decimal-handling precise|double|string]
//
// OBJECT is "Kind.Name" with the kind in English or Russian
// (Catalog.Номенклатура = Справочник.Номенклатура); "Kind.Name.Section" and
// "Kind.Name.Изменения" select the object too. Flags and objects may be
// mixed. The password comes from --password, else $ONEC_DATABASE_PASSWORD,
// else the DSN; --user overrides the DSN's user. Neither is ever printed:
// DSNs in messages are shown with the password as "xxxxx".
//
// Exit codes: 0 success; 1 an OBJECT names no object (the message lists
// the closest names); 2 a usage error, a bad DSN, an unreachable server, a
// failed login, an unreadable .cf file. Errors are one line on stderr
// starting "onec inspect: ".
//
// # JSON format (--format json)
//
// The output is one JSON object, a Report, indented with two spaces,
// keys in the order below, UTF-8 without HTML escaping. The format is
// stable: FormatVersion (1) changes only when a key is removed or changes
// meaning; new keys may be added, so readers should ignore unknown keys.
// Every key is always present (empty strings, 0, false and [] rather than
// missing), except where noted.
//
//	{
//	  "formatVersion": 1,
//	  "infobase": {"name", "synonym",
//	    "dbms": "postgres" | "sqlserver" | "none" (a .cf file),
//	    "compatibilityVersion": 80323, "yearOffset": 0 (-1: no _YearOffset table),
//	    "objectCount": objects in the configuration},
//	  "objects": [object, ...]   all objects, or those named, in the order named,
//	  "problems": [{"kind", "name", "uuid", "error"}, ...]   objects that could not be read
//	}
//
// An object:
//
//	{"kind": "Catalog" | "Document" | "InformationRegister" | "AccumulationRegister" |
//	         "Enum" | "ExchangePlan" | "Constant" | "ChartOfCharacteristicTypes",
//	 "kindRu": "Справочник", "name", "fullName": "Catalog.X", "fullNameRu": "Справочник.X",
//	 "synonym", "uuid", "typeCode": DBNames code (the _RTRef value; 0 for a .cf file),
//	 "table": "_reference12" ("" for a .cf file; lower case on PostgreSQL),
//	 "properties": [property, ...]   standard attributes, dimensions, resources, attributes,
//	 "tabularSections": [{"name", "synonym", "uuid", "table", "properties"}, ...],
//	 "enumValues": [{"name", "synonym", "uuid", "order"}, ...],
//	 "changeTable": null | {"table", "columns": [column, ...]},
//	 "schema": the Connect schema (below), or null with "schemaError" (present only then)}
//
// A property is {"name", "synonym", "role": "standard" | "dimension" |
// "resource" | "attribute", "type": the types joined with " | ", "types":
// ["String(25)", "Number(15,2)+" (+ = non-negative), "Date(date|time|datetime)",
// "Boolean", "UUID", "ValueStorage", "String(10,fixed)", "String"
// (unlimited), "Catalog.X" (a reference), ...], "columns": [column, ...]}.
// A column is {"name", "purpose": "value" | "_TYPE" | "_L" | "_N" | "_T" |
// "_S" | "_B" | "_RTRef" | "_RRRef", "kind": "binary16" | "bool" | "string" |
// "numeric" | "datetime" | "bytes" | "typetag" | "binary4" | "version",
// "sqlType": the type in the DBMS's spelling ("mvarchar(25)", "nchar(10)",
// "numeric(15,2)", "bytea", "binary(16)", ...; "" for a .cf file),
// "length", "fixed", "precision", "scale", "nullable"}. Objects read from a
// .cf file have no columns.
//
// The schema is in Kafka Connect's JSON schema format (JsonConverter's
// "schema" envelope part): {"type": "struct" | "string" | "int64" |
// "boolean" | "bytes" | "double" | "array" | ..., "optional", "name"
// (omitted when empty), "version" (omitted when 0), "doc" (the synonym,
// omitted when empty), "parameters" (e.g. {"scale": "2",
// "connect.decimal.precision": "15"}, omitted when none), "field" (on
// struct fields), "fields", "items" (arrays)}. The mapping is
// (*metadata.Object).ConnectSchema's; see connectors/onec/metadata/rowmap
// for the values.
//
// docs/onec-inspect.md is the user documentation, with an example.
package inspect
