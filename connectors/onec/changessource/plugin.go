package changessource

import "github.com/onecconnect/onecconnect/connect/plugins"

// Plugin describes OneCChangesSource for a plugin registry.
func Plugin() plugins.Plugin {
	return plugins.Plugin{Class: Class, Aliases: []string{"OneCChangesSourceConnector"}, Kind: plugins.KindSource,
		Version: Version, Config: ConfigDef, NewSource: NewConnector}
}

func init() { plugins.Register(Plugin()) }
