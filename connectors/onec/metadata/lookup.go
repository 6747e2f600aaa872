package metadata

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ErrNotFound is wrapped by NotFoundError.
var ErrNotFound = errors.New("metadata object not found")

// NotFoundError reports an unknown name with the closest known names.
type NotFoundError struct {
	Name        string
	Suggestions []string
}

// Error implements error.
func (e *NotFoundError) Error() string {
	if len(e.Suggestions) == 0 {
		return fmt.Sprintf("metadata: %q not found", e.Name)
	}
	return fmt.Sprintf("metadata: %q not found; closest: %s", e.Name, strings.Join(e.Suggestions, ", "))
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Target is what a user-facing name resolves to: an object, one of its
// tabular sections, or its change table.
type Target struct {
	Object *Object
	// TabularSection is set for "Kind.Name.Section".
	TabularSection *TabularSection
	// Changes is set for "Kind.Name.Изменения" / "Kind.Name.Changes".
	Changes bool
}

// changesSuffixes name the change table in a full name.
var changesSuffixes = []string{"Изменения", "Changes"}

func equalFoldName(a, b string) bool { return strings.EqualFold(a, b) }

func nameKey(k Kind, name string) string { return strings.ToLower(k.String() + "." + name) }

// Lookup returns the object named "Kind.Name", with the kind in English or
// Russian (Справочник.Номенклатура = Catalog.Номенклатура), case-insensitive.
// An unknown name gives a *NotFoundError listing the closest names.
func (ib *Infobase) Lookup(fullName string) (*Object, error) {
	kind, name, rest, err := splitName(fullName)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("metadata: %q names a part of an object; use Resolve", fullName)
	}
	if o, ok := ib.byName[nameKey(kind, name)]; ok {
		return o, nil
	}
	return nil, ib.notFound(fullName)
}

// Resolve resolves "Kind.Name", "Kind.Name.TabularSection" or
// "Kind.Name.Изменения"/"Kind.Name.Changes". A tabular section named
// Изменения or Changes wins over the change table.
func (ib *Infobase) Resolve(fullName string) (Target, error) {
	kind, name, rest, err := splitName(fullName)
	if err != nil {
		return Target{}, err
	}
	o, ok := ib.byName[nameKey(kind, name)]
	if !ok {
		return Target{}, ib.notFound(fullName)
	}
	if rest == "" {
		return Target{Object: o}, nil
	}
	if ts, ok := o.TabularSection(rest); ok {
		return Target{Object: o, TabularSection: ts}, nil
	}
	for _, s := range changesSuffixes {
		if strings.EqualFold(rest, s) {
			if o.ChangeTable == nil && ib.DBMS != DBMSNone {
				return Target{}, fmt.Errorf("metadata: %s is in no exchange plan: it has no change table", o.FullName())
			}
			return Target{Object: o, Changes: true}, nil
		}
	}
	var cands []string
	for _, t := range o.TabularSections {
		cands = append(cands, o.FullName()+"."+t.Name)
	}
	cands = append(cands, o.FullName()+".Changes")
	return Target{}, &NotFoundError{Name: fullName, Suggestions: closest(fullName, cands, 5)}
}

func splitName(fullName string) (Kind, string, string, error) {
	parts := strings.SplitN(strings.TrimSpace(fullName), ".", 3)
	if len(parts) < 2 || parts[1] == "" {
		return 0, "", "", fmt.Errorf("metadata: %q: want Kind.Name", fullName)
	}
	k := ParseKind(parts[0])
	if k == KindUnknown {
		var names []string
		for _, k := range Kinds() {
			names = append(names, k.String(), k.Russian())
		}
		return 0, "", "", &NotFoundError{Name: fullName, Suggestions: closest(parts[0], names, 3)}
	}
	rest := ""
	if len(parts) == 3 {
		rest = parts[2]
	}
	return k, parts[1], rest, nil
}

func (ib *Infobase) notFound(fullName string) error {
	cands := make([]string, 0, 2*len(ib.Objects))
	for _, o := range ib.Objects {
		cands = append(cands, o.FullName(), o.FullNameRU())
	}
	sugg := closest(fullName, cands, 5)
	return &NotFoundError{Name: fullName, Suggestions: sugg}
}

// closest returns up to n candidates nearest to s by edit distance
// (case-insensitive), dropping duplicates of the same object in the other
// language when they tie.
func closest(s string, cands []string, n int) []string {
	type scored struct {
		c string
		d int
	}
	ls := strings.ToLower(s)
	out := make([]scored, 0, len(cands))
	for _, c := range cands {
		out = append(out, scored{c, editDistance(ls, strings.ToLower(c))})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	var res []string
	limit := max(3, utf8.RuneCountInString(s)/2)
	for _, x := range out {
		if len(res) == n {
			break
		}
		if x.d > limit && len(res) > 0 {
			break
		}
		res = append(res, x.c)
	}
	return res
}

// editDistance is the Levenshtein distance over runes, bounded in work by
// the lengths of its inputs (names are short).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 256 {
		ra = ra[:256]
	}
	if len(rb) > 256 {
		rb = rb[:256]
	}
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
