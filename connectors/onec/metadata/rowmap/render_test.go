package rowmap

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/schema"
)

// render prints a Connect value as indented JSON with fields in schema
// order and Go types visible where JSON would hide them (decimals as
// {"decimal": text}, times as {"time": RFC 3339}).
func render(v any) string {
	var b strings.Builder
	renderTo(&b, v, "")
	return b.String()
}

func renderTo(b *strings.Builder, v any, indent string) {
	str := func(s string) {
		q, _ := json.Marshal(s)
		b.Write(q)
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case *schema.Struct:
		fields := x.Schema().Fields()
		b.WriteString("{\n")
		for i, f := range fields {
			b.WriteString(indent + "  ")
			str(f.Name)
			b.WriteString(": ")
			renderTo(b, x.Raw(i), indent+"  ")
			if i < len(fields)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case []any:
		if len(x) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range x {
			b.WriteString(indent + "  ")
			renderTo(b, e, indent+"  ")
			if i < len(x)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case string:
		str(x)
	case bool, int64, float64:
		fmt.Fprint(b, x)
	case decimal.Decimal:
		b.WriteString(`{"decimal": `)
		str(x.String())
		b.WriteString("}")
	case time.Time:
		b.WriteString(`{"time": `)
		str(x.Format(time.RFC3339Nano))
		b.WriteString("}")
	case []byte:
		b.WriteString(`{"bytes": `)
		str(base64.StdEncoding.EncodeToString(x))
		b.WriteString("}")
	default:
		fmt.Fprintf(b, `{"unexpected %T": %q}`, x, fmt.Sprint(x))
	}
}
