package avro

import (
	"regexp"
	"slices"
	"strings"
)

// Property and name constants shared with Confluent's AvroData.
const (
	connectNamespace    = "io.confluent.connect.avro"
	defaultRecordName   = connectNamespace + ".ConnectDefault"
	mapEntryName        = connectNamespace + ".MapEntry"
	unionName           = connectNamespace + ".Union"
	enumParam           = connectNamespace + ".Enum"
	recordDocParam      = connectNamespace + ".record.doc"
	fieldDocParamPrefix = connectNamespace + ".field.doc."

	propConnectName       = "connect.name"
	propConnectDoc        = "connect.doc"
	propConnectVersion    = "connect.version"
	propConnectDefault    = "connect.default"
	propConnectParameters = "connect.parameters"
	propConnectType       = "connect.type"
	propInternalType      = "connect.internal.type"
	propLogicalType       = "logicalType"
	propFixedSize         = "connect.fixed.size"

	// PropOriginalName is the Avro field property that keeps a Connect field
	// name which is not a legal Avro name (e.g. a Cyrillic 1C attribute
	// name). The reverse mapping restores the field name from it.
	PropOriginalName = "onec.name"

	decimalPrecisionParam   = "connect.decimal.precision"
	defaultDecimalPrecision = 64
)

// defaultRecordRE matches the names given to unnamed structs: the default
// name and its de-duplicated variants (ConnectDefault_2, …).
var defaultRecordRE = regexp.MustCompile(`^io\.confluent\.connect\.avro\.ConnectDefault(_[0-9]+)?$`)

// splitName splits a full name at its last dot into namespace and name.
func splitName(full string) (ns, name string) {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[:i], full[i+1:]
	}
	return "", full
}

func sortStrings(s []string) { slices.Sort(s) }
