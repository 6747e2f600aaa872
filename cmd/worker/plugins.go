package main

import (
	"github.com/onecconnect/onecconnect/connect/plugins"

	// 1C connectors register themselves at init.
	_ "github.com/onecconnect/onecconnect/connectors/onec/changessource"
	_ "github.com/onecconnect/onecconnect/connectors/onec/httpsink"
	_ "github.com/onecconnect/onecconnect/connectors/onec/queuesink"
	_ "github.com/onecconnect/onecconnect/connectors/onec/queuesource"
	_ "github.com/onecconnect/onecconnect/connectors/onec/tablesource"
)

// builtinPlugins returns the registry of every plugin compiled into the
// binary: plugins.Default holds the FileStream connectors and the
// converters (connect/plugins), the transforms (imported by the runtime),
// and the 1C connectors, whose packages this file imports for their init
// registration.
func builtinPlugins() *plugins.Registry { return plugins.Default }
