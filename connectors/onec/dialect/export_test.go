package dialect

// Test tables for the external test package.
var (
	CatalogTable = catalogTable
	TabularTable = tabularTable
	ChangeTable  = changeTable
)
