// Package brace reads and writes 1C:Enterprise's brace text format, the
// serialization of every configuration and infobase-parameter file
// (Config, Params, DBSchema rows and the elements of a .cf container).
//
// A file is one list: {item,item,...}. An item is a nested list, a quoted
// string ("" escapes a quote; CR/LF may appear raw inside) or a bare token
// (number, UUID, identifier, type letter). An empty item ({,1} has two items,
// the first empty) is a bare token with empty Text. A base64 block
// {#base64:...} parses as a list holding one bare token "#base64:<data>" with
// the line breaks removed.
//
// The package knows nothing about what the lists mean; see package metadata
// for the 1C model. It has no global state and is safe for concurrent use.
package brace
