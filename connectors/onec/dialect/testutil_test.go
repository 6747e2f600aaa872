package dialect

// Tables shaped like 1c-layout.md §6 and §12.3, used by unit and
// integration tests.

// catalogTable is a flat catalog with string code, like S7's _Reference53.
func catalogTable() Table {
	return Table{
		Name: "_Reference53",
		Columns: []Column{
			{Name: "_IDRRef", Kind: Binary16, Length: 16},
			{Name: "_Version", Kind: Version},
			{Name: "_Marked", Kind: Bool},
			{Name: "_PredefinedID", Kind: Binary16, Length: 16},
			{Name: "_Code", Kind: FixedString, Length: 9},
			{Name: "_Description", Kind: String, Length: 25},
			{Name: "_Fld54", Kind: Numeric, Precision: 15, Scale: 3},
			{Name: "_Fld55", Kind: DateTime},
			{Name: "_Fld56_TYPE", Kind: TypeCode, Length: 1},
			{Name: "_Fld56_RTRef", Kind: RTRef, Length: 4},
			{Name: "_Fld57", Kind: Bytes},
		},
		Key: []string{"_IDRRef"},
	}
}

// tabularTable is a tabular section with a two-column clustered key.
func tabularTable() Table {
	return Table{
		Name: "_Reference53_VT60",
		Columns: []Column{
			{Name: "_Reference53_IDRRef", Kind: Binary16, Length: 16},
			{Name: "_KeyField", Kind: Bytes, Length: 4},
			{Name: "_LineNo61", Kind: Numeric, Precision: 5},
			{Name: "_Fld62", Kind: Numeric, Precision: 15, Scale: 3},
		},
		Key: []string{"_Reference53_IDRRef", "_KeyField"},
	}
}

// changeTable is a change-registration table of an information register
// with a NULLable period and dimension key (1c-layout.md §9.2).
func changeTable() Table {
	return Table{
		Name: "_InfoRgChngR70",
		Columns: []Column{
			{Name: "_NodeTRef", Kind: RTRef, Length: 4},
			{Name: "_NodeRRef", Kind: Binary16, Length: 16},
			{Name: "_MessageNo", Kind: Numeric, Precision: 10},
			{Name: "_Period", Kind: DateTime},
			{Name: "_Fld71", Kind: String, Length: 10},
			{Name: "_Fld72RRef", Kind: Binary16, Length: 16},
		},
		Key: []string{"_Period", "_Fld71", "_Fld72RRef", "_NodeTRef", "_NodeRRef"},
	}
}
