package queuesource

import (
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Class is the registered connector class name.
const Class = "OneCQueueSource"

// Aliases are the other names the connector answers to.
var Aliases []string

// Plugin returns the connector's plugin descriptor, for registries built
// by tests.
func Plugin() plugins.Plugin {
	return plugins.Plugin{Class: Class, Aliases: append([]string(nil), Aliases...), Kind: plugins.KindSource, Version: Version,
		Config: ConfigDef, NewSource: func() connect.SourceConnector { return NewConnector() }}
}

func init() { plugins.Register(Plugin()) }
