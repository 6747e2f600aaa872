package common

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// LookupObject resolves a 1C full name (Russian or English kind) in ib.
// The error lists the closest names when the object is unknown.
func LookupObject(ib *metadata.Infobase, fullName string) (*metadata.Object, error) {
	o, err := ib.Lookup(strings.TrimSpace(fullName))
	if err != nil {
		var nf *metadata.NotFoundError
		if errors.As(err, &nf) {
			if len(nf.Suggestions) > 0 {
				return nil, fmt.Errorf("no 1C object %q in the configuration; did you mean %s?", fullName, strings.Join(nf.Suggestions, ", "))
			}
			return nil, fmt.Errorf("no 1C object %q in the configuration", fullName)
		}
		return nil, fmt.Errorf("1C object %q: %w", fullName, err)
	}
	return o, nil
}

// LookupProperty returns the dimension, resource, attribute or standard
// attribute of o called name (case-insensitive). The error names the
// object and the closest field names.
func LookupProperty(o *metadata.Object, name string) (*metadata.Property, error) {
	name = strings.TrimSpace(name)
	var names []string
	for _, p := range o.AllProperties() {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
		names = append(names, p.Name)
	}
	msg := fmt.Sprintf("%s has no field %q", o.FullNameRU(), name)
	if s := Suggest(name, names, 3); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, ", ") + "?"
	} else {
		msg += "; its fields are " + strings.Join(names, ", ")
	}
	return nil, errors.New(msg)
}

// Suggest returns up to n candidates closest to name by edit distance
// (case-insensitive), closest first; candidates too far away are left out.
func Suggest(name string, cands []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	var out []scored
	ln := strings.ToLower(name)
	limit := max(2, utf8.RuneCountInString(name)/2)
	for _, c := range cands {
		lc := strings.ToLower(c)
		d := editDistance(ln, lc)
		if strings.Contains(lc, ln) || strings.Contains(ln, lc) {
			d = min(d, 1)
		}
		if d <= limit {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	var res []string
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].s)
	}
	return res
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
