package docgen

// Every plugin package registers itself in plugins.Default at init; the
// reference covers what the worker binary ships, so import them all here.
import (
	_ "github.com/onecconnect/onecconnect/connect/transforms"
	_ "github.com/onecconnect/onecconnect/connectors/onec/changessource"
	_ "github.com/onecconnect/onecconnect/connectors/onec/httpsink"
	_ "github.com/onecconnect/onecconnect/connectors/onec/queuesink"
	_ "github.com/onecconnect/onecconnect/connectors/onec/queuesource"
	_ "github.com/onecconnect/onecconnect/connectors/onec/tablesource"
)
