package herder

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxConnectorNameBytes caps connector names: they become keys of the
// config, offsets and status topics and metric labels (Kafka caps topic
// names at 249 characters).
const MaxConnectorNameBytes = 249

// ValidateConnectorName checks a connector name taken from a request
// (deliberately stricter than Kafka Connect, which allows "/"): at most
// MaxConnectorNameBytes bytes of valid UTF-8; no path separators ("/",
// "\"), no control characters (C0, DEL, C1) and no invisible format
// characters (bidi overrides, zero-width); not "." or "..". Letters of
// any script, Cyrillic included, digits, spaces and punctuation are
// allowed. The empty name is left to the herder's validation. The error
// is a herder bad request (400).
func ValidateConnectorName(name string) error {
	if name == "" {
		return nil
	}
	bad := func(why string) error {
		return BadRequest("Connector name %s is invalid: %s", quoteName(name), why)
	}
	switch {
	case !utf8.ValidString(name):
		return bad("it is not valid UTF-8")
	case len(name) > MaxConnectorNameBytes:
		return bad(fmt.Sprintf("it is %d bytes long; at most %d are allowed", len(name), MaxConnectorNameBytes))
	case name == "." || name == "..":
		return bad("it is a relative path element")
	case strings.ContainsAny(name, `/\`):
		return bad(`path separators ("/" and "\") are not allowed`)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return bad(fmt.Sprintf("control and format characters are not allowed (found %U)", r))
		}
	}
	return nil
}

// quoteName quotes a name for a message, escaping control characters and
// shortening it to 64 bytes.
func quoteName(name string) string {
	if len(name) > 64 {
		cut := 64
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…", name[:cut])
	}
	return fmt.Sprintf("%q", name)
}
