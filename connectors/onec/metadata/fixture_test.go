package metadata

import (
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/brace"
)

const testMainUUID = "11111111-2222-3333-4444-555555555555"

// syntheticMain builds a root and a main configuration file listing the
// given (metadata-type UUID, object UUIDs) lists, in the shape of §3.1.
func syntheticMain(compat int, lists map[string][]string) (root, main []byte) {
	props := make([]*brace.Node, 27)
	for i := range props {
		props[i] = brace.N(0)
	}
	props[1] = brace.L(brace.N(0), brace.L(brace.N(2), brace.L(brace.N(1), brace.N(0), brace.B(testMainUUID)),
		brace.S("Тест"), brace.L(brace.N(1), brace.S("ru"), brace.S("Тестовая"))))
	props[26] = brace.N(compat)
	body := []*brace.Node{brace.N(1), brace.L(props...), brace.N(len(lists))}
	for _, k := range sortedKeys(lists) {
		tl := []*brace.Node{brace.B(k), brace.N(len(lists[k]))}
		for _, u := range lists[k] {
			tl = append(tl, brace.B(u))
		}
		body = append(body, brace.L(tl...))
	}
	m := brace.L(brace.N(2), brace.L(brace.B(testMainUUID)), brace.N(1),
		brace.L(brace.B("9cd510cd-abfc-11d4-9434-004095e12fc7"), brace.L(body...)))
	r := brace.L(brace.N(2), brace.B(testMainUUID), brace.L(brace.B("#base64:AAAA")))
	return DeflateBody(brace.MarshalFile(r)), DeflateBody(brace.MarshalFile(m))
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
