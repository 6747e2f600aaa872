package queuesink

import (
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// Class is the registered connector class name.
const Class = "OneCQueueSink"

// Version of the connector.
const Version = "1.0.0"

// Aliases are the other names the connector answers to.
var Aliases = []string{"OneCQueueSinkConnector"}

// Plugin returns the connector's plugin descriptor, for registries built
// by tests.
func Plugin() plugins.Plugin {
	return plugins.Plugin{Class: Class, Aliases: append([]string(nil), Aliases...), Kind: plugins.KindSink, Version: Version,
		Config: ConfigDef, NewSink: func() connect.SinkConnector { return NewConnector() }}
}

func init() { plugins.Register(Plugin()) }
