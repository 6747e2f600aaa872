package runtime

// The transformations and predicates register themselves in plugins.Default
// when their package initialises; every worker can apply them.
import _ "github.com/onecconnect/onecconnect/connect/transforms"
