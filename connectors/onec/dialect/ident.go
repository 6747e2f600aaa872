package dialect

import (
	"fmt"
	"strings"
)

// OwnPrefix is the prefix every table, column or sequence this project
// creates in a 1C database must carry; QuoteIdent accepts such names besides
// 1C's own.
const OwnPrefix = "onec_"

// systemNames are 1C system tables and their columns (1c-layout.md §1,
// §7.4), compared in lower case. Everything else 1C creates starts with "_".
var systemNames = map[string]bool{
	"config": true, "configsave": true, "configcas": true, "configcassave": true,
	"params": true, "files": true, "depotfiles": true, "dbschema": true, "ibversion": true,
	"filename": true, "creation": true, "modified": true, "attributes": true, "datasize": true,
	"binarydata": true, "partno": true, "serializeddata": true, "platformversionreq": true,
	"offset": true, "ofset": true,
}

// schemaNames are the schemas a qualified name may use.
var schemaNames = map[string]bool{"public": true, "dbo": true}

// checkIdentPart validates one dot-free name part against the shape rules:
// ASCII letters, digits and underscores, not starting with a digit, at most
// maxLen bytes, and either a 1C physical name (leading underscore followed
// by a letter), a 1C system name, or a name with OwnPrefix.
func checkIdentPart(part string, maxLen int, schema bool) error {
	if part == "" {
		return fmt.Errorf("empty name: %w", ErrBadIdentifier)
	}
	if len(part) > maxLen {
		return fmt.Errorf("name %q is longer than %d bytes: %w", clip(part), maxLen, ErrBadIdentifier)
	}
	for i := 0; i < len(part); i++ {
		c := part[i]
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')
		if !ok {
			return fmt.Errorf("name %q has character %q at %d: %w", clip(part), c, i, ErrBadIdentifier)
		}
	}
	lower := strings.ToLower(part)
	switch {
	case schema && (schemaNames[lower] || strings.HasPrefix(lower, OwnPrefix)):
		return nil
	case schema:
		return fmt.Errorf("schema %q is not public, dbo or %s*: %w", part, OwnPrefix, ErrBadIdentifier)
	case len(part) >= 2 && part[0] == '_' && isLetter(part[1]):
		return nil
	case systemNames[lower], strings.HasPrefix(lower, OwnPrefix) && len(lower) > len(OwnPrefix):
		return nil
	}
	return fmt.Errorf("name %q is neither a 1C physical name (_Reference12, _Fld345RRef), a 1C system name nor %s*: %w",
		part, OwnPrefix, ErrBadIdentifier)
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// splitQualified splits "schema.name" or "name" and validates the parts.
func splitQualified(name string, maxLen int) (schema, object string, err error) {
	schema, object, found := strings.Cut(name, ".")
	if !found {
		return "", name, checkIdentPart(name, maxLen, false)
	}
	if strings.Contains(object, ".") {
		return "", "", fmt.Errorf("name %q has more than two parts: %w", clip(name), ErrBadIdentifier)
	}
	if err := checkIdentPart(schema, maxLen, true); err != nil {
		return "", "", err
	}
	if err := checkIdentPart(object, maxLen, false); err != nil {
		return "", "", err
	}
	return schema, object, nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
