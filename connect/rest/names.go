package rest

import "github.com/onecconnect/onecconnect/connect/herder"

// MaxConnectorNameBytes caps connector names; see
// herder.MaxConnectorNameBytes.
const MaxConnectorNameBytes = herder.MaxConnectorNameBytes

// ValidateConnectorName checks a connector name taken from a request. The
// rule lives in the herder (herder.ValidateConnectorName), which applies it
// to every connector it stores, whether it came through REST or from a
// standalone connector file.
func ValidateConnectorName(name string) error { return herder.ValidateConnectorName(name) }
