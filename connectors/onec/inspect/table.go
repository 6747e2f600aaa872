package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeTable prints the report for people: a line per object, or with
// full set every object in detail.
func writeTable(w io.Writer, r *Report, full bool) error {
	ib := r.Infobase
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Infobase %s", ib.Name)
	if ib.Synonym != "" && ib.Synonym != ib.Name {
		fmt.Fprintf(tw, " (%s)", ib.Synonym)
	}
	fmt.Fprintf(tw, ": %s, compatibility %d, year offset %d, %d objects\n\n", ib.DBMS, ib.CompatibilityVersion, ib.YearOffset, ib.ObjectCount)
	if !full {
		fmt.Fprintln(tw, "KIND\tNAME\tSYNONYM\tTABLE\tCOLUMNS\tFIELDS")
		for _, o := range r.Objects {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", o.Kind, o.Name, o.Synonym, dash(o.Table), columnCount(o), fieldCount(o))
		}
	} else {
		for i, o := range r.Objects {
			if i > 0 {
				fmt.Fprintln(tw)
			}
			writeObject(tw, &o)
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(tw, "\n%d objects could not be read:\n", len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(tw, "  %s.%s (%s): %s\n", p.Kind, dash(p.Name), p.UUID, p.Error)
		}
	}
	return tw.Flush()
}

func writeObject(tw *tabwriter.Writer, o *ObjectInfo) {
	fmt.Fprintf(tw, "%s (%s)", o.FullName, o.FullNameRU)
	if o.Synonym != "" {
		fmt.Fprintf(tw, " «%s»", o.Synonym)
	}
	fmt.Fprintf(tw, "\nuuid %s, table %s, type code %d\n", o.UUID, dash(o.Table), o.TypeCode)
	connect := map[string]*SchemaInfo{}
	if o.Schema != nil {
		fmt.Fprintf(tw, "Connect schema %s\n", o.Schema.Name)
		for _, f := range o.Schema.Fields {
			connect[f.Field] = f
		}
	} else {
		fmt.Fprintf(tw, "Connect schema: %s\n", o.SchemaError)
	}
	fmt.Fprintln(tw, "\nPROPERTY\tROLE\tTYPE\tCOLUMNS\tCONNECT")
	writeProperties(tw, o.Properties, connect)
	for _, ts := range o.TabularSections {
		fmt.Fprintf(tw, "\nTabular section %s, table %s\n", ts.Name, dash(ts.Table))
		var row map[string]*SchemaInfo
		if f := connect[ts.Name]; f != nil && f.Items != nil {
			row = map[string]*SchemaInfo{}
			for _, x := range f.Items.Fields {
				row[x.Field] = x
			}
		}
		fmt.Fprintln(tw, "PROPERTY\tROLE\tTYPE\tCOLUMNS\tCONNECT")
		writeProperties(tw, ts.Properties, row)
	}
	if len(o.EnumValues) > 0 {
		fmt.Fprintln(tw, "\nVALUE\tORDER\tUUID\tSYNONYM")
		for _, v := range o.EnumValues {
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", v.Name, v.Order, v.UUID, v.Synonym)
		}
	}
	if ct := o.ChangeTable; ct != nil {
		var cols []string
		for _, c := range ct.Columns {
			cols = append(cols, c.Name+" "+c.SQLType)
		}
		fmt.Fprintf(tw, "\nChange table %s: %s\n", ct.Table, strings.Join(cols, ", "))
	}
}

func writeProperties(tw *tabwriter.Writer, ps []PropertyInfo, connect map[string]*SchemaInfo) {
	for _, p := range ps {
		var cols []string
		for _, c := range p.Columns {
			s := c.Name
			if c.SQLType != "" {
				s += " " + c.SQLType
			}
			if c.Nullable {
				s += " NULL"
			}
			cols = append(cols, s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Role, dash(p.Type), dash(strings.Join(cols, ", ")), describe(connect[p.Name]))
	}
}

// describe renders a field schema briefly: "string?", "Decimal(2)", ...
func describe(s *SchemaInfo) string {
	if s == nil {
		return "-"
	}
	d := s.Type
	switch {
	case s.Name == "org.apache.kafka.connect.data.Decimal":
		d = "decimal(" + s.Parameters["connect.decimal.precision"] + "," + s.Parameters["scale"] + ")"
	case s.Name == "org.apache.kafka.connect.data.Timestamp":
		d = "timestamp"
	case s.Name != "":
		d = s.Name
	case s.Type == "array" && s.Items != nil:
		d = "array<" + describe(s.Items) + ">"
	}
	if s.Optional {
		d += "?"
	}
	return d
}

func columnCount(o ObjectInfo) int {
	n := 0
	for _, p := range o.Properties {
		n += len(p.Columns)
	}
	return n
}

func fieldCount(o ObjectInfo) int {
	if o.Schema == nil {
		return 0
	}
	return len(o.Schema.Fields)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
