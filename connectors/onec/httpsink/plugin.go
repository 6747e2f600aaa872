package httpsink

import "github.com/onecconnect/onecconnect/connect/plugins"

// Class is the registered connector class; Version its version.
const (
	Class   = "OneCHTTPSink"
	Version = "1.0.0"
)

// Aliases are further names of the class.
var Aliases = []string{"OneCHTTPSinkConnector"}

// Plugin describes OneCHTTPSink for a plugin registry.
func Plugin() plugins.Plugin {
	return plugins.Plugin{Class: Class, Aliases: append([]string(nil), Aliases...), Kind: plugins.KindSink,
		Version: Version, Config: ConfigDef, NewSink: NewConnector}
}

func init() { plugins.Register(Plugin()) }
