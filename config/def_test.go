package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefinePanics(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		want string
	}{
		{"duplicate", Key{Name: "name", Type: TypeString}, "defined twice"},
		{"empty name", Key{Name: "", Type: TypeString}, "must be non-empty"},
		{"spaces", Key{Name: " a", Type: TypeString}, "must be non-empty"},
		{"bad type", Key{Name: "a", Type: "TEXT"}, "unknown type"},
		{"bad importance", Key{Name: "a", Type: TypeString, Importance: "URGENT"}, "unknown importance"},
		{"bad width", Key{Name: "a", Type: TypeString, Width: "HUGE"}, "unknown width"},
		{"required with default", Key{Name: "a", Type: TypeString, Required: true, Default: "x"}, "Required but has a Default"},
		{"unparsable default", Key{Name: "a", Type: TypeInt, Default: "x"}, "invalid default"},
		{"default fails validator", Key{Name: "a", Type: TypeInt, Default: 0, Validator: AtLeast(1)}, "invalid default"},
		{"validator for other type", Key{Name: "a", Type: TypeString, Validator: AtLeast(1)}, "does not apply to type STRING"},
		{"composite for other type", Key{Name: "a", Type: TypeInt, Validator: All(AtLeast(1), OneOf("x"))}, "does not apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewConfigDef().Define(Key{Name: "name", Type: TypeString})
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("Define did not panic")
				}
				if !strings.Contains(r.(string), tt.want) {
					t.Fatalf("panic %q, want containing %q", r, tt.want)
				}
			}()
			d.Define(tt.key)
		})
	}
}

func TestDefineFillsDefaults(t *testing.T) {
	d := NewConfigDef().
		Define(Key{Name: "a", Type: TypeString, Group: "G1"}).
		Define(Key{Name: "b", Type: TypeInt, Default: 3, Group: "G2"}).
		Define(Key{Name: "c", Type: TypeString, Group: "G1"}).
		Define(Key{Name: "d", Type: TypeString, Group: "G1", OrderInGroup: 10}).
		Define(Key{Name: "e", Type: TypeString})
	want := map[string]int{"a": 1, "b": 1, "c": 2, "d": 10, "e": -1}
	for _, k := range d.Keys() {
		if k.OrderInGroup != want[k.Name] {
			t.Errorf("%s.OrderInGroup = %d, want %d", k.Name, k.OrderInGroup, want[k.Name])
		}
		if k.Importance != ImportanceMedium || k.Width != WidthNone || k.DisplayName != k.Name {
			t.Errorf("%s defaults not filled: %+v", k.Name, k)
		}
	}
	if got := d.Groups(); !reflect.DeepEqual(got, []string{"G1", "G2"}) {
		t.Errorf("Groups() = %v", got)
	}
	b, _ := d.Key("b")
	if b.Default != int32(3) {
		t.Errorf("default of b = %#v, want int32(3)", b.Default)
	}
	if s, ok := b.DefaultString(); !ok || s != "3" {
		t.Errorf("DefaultString = %q, %v", s, ok)
	}
	if _, ok := d.Key("zz"); ok {
		t.Error("Key(zz) found")
	}
}

func TestKeysAreCopies(t *testing.T) {
	d := NewConfigDef().Define(Key{Name: "l", Type: TypeList, Default: []string{"a"}, Dependents: []string{"x"}})
	k := d.Keys()[0]
	k.Default.([]string)[0] = "changed"
	k.Dependents[0] = "changed"
	k2, _ := d.Key("l")
	if k2.Default.([]string)[0] != "a" || k2.Dependents[0] != "x" {
		t.Fatalf("definition modified through Keys(): %+v", k2)
	}
}

func TestMerge(t *testing.T) {
	a := NewConfigDef().Define(Key{Name: "a", Type: TypeString, Group: "A"}).AllowPrefix("p.")
	b := NewConfigDef().Define(Key{Name: "b", Type: TypeString, Group: "B"}).Define(Key{Name: "a2", Type: TypeString, Group: "A"}).AllowPrefix("q.", "p.")
	m := a.Merge(b)
	var names []string
	for _, k := range m.Keys() {
		names = append(names, k.Name)
	}
	if !reflect.DeepEqual(names, []string{"a", "b", "a2"}) {
		t.Errorf("merged keys = %v", names)
	}
	if !reflect.DeepEqual(m.Groups(), []string{"A", "B"}) {
		t.Errorf("merged groups = %v", m.Groups())
	}
	if !reflect.DeepEqual(m.Prefixes(), []string{"p.", "q."}) {
		t.Errorf("merged prefixes = %v", m.Prefixes())
	}
	if len(a.Keys()) != 1 || len(b.Keys()) != 2 {
		t.Error("Merge modified its inputs")
	}
	defer func() {
		if recover() == nil {
			t.Error("Merge with a duplicate key did not panic")
		}
	}()
	a.Merge(NewConfigDef().Define(Key{Name: "a", Type: TypeInt}))
}

func TestAllowedAndSuggestions(t *testing.T) {
	d := testDef()
	for key, want := range map[string]bool{
		"tasks.max":                  true,
		"transforms.route.type":      true,
		"producer.override.acks":     true,
		"producer.acks":              false,
		"transforms":                 false, // not defined in testDef, and "transforms" lacks the dot
		"consumer.override.group.id": true,
		"database.pasword":           false,
		"Справочник.Номенклатура.имя": false,
	} {
		if got := d.Allowed(key); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", key, got, want)
		}
	}
	for in, want := range map[string]string{
		"database.pasword": "database.password",
		"task.max":         "tasks.max",
		"batchsize":        "batch.size",
		"completely.other": "",
		"":                 "",
	} {
		if got := d.suggest(in); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		max  int
		want int
	}{
		{"kitten", "sitting", 10, 3},
		{"", "abc", 10, 3},
		{"abc", "abc", 10, 0},
		{"abcdef", "ghijkl", 3, 3},
	} {
		if got := editDistance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}

func TestIsPassword(t *testing.T) {
	d := testDef()
	if !d.IsPassword("database.password") || d.IsPassword("database.url") || d.IsPassword("nope") {
		t.Error("IsPassword wrong")
	}
}
