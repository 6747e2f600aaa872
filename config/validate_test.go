package config

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func indentJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestValidateGolden(t *testing.T) {
	p := validProps()
	p["tasks.max"] = "0"
	p["topics"] = "orders,payments"
	p["database.password"] = "s3cret"
	p["errors.tolerance"] = "some"
	p["database.pasword"] = "typo-secret"
	p["producer.override.acks"] = "all"
	infos := testDef().Validate("OneCQueueSource", p)
	got := indentJSON(t, infos)
	golden(t, "configinfos.golden.json", got)
	for _, secret := range []string{"s3cret", "typo-secret"} {
		if bytes.Contains(got, []byte(secret)) {
			t.Errorf("ConfigInfos JSON contains the secret %q", secret)
		}
	}
	if infos.ErrorCount != 3 {
		t.Errorf("error_count = %d, want 3", infos.ErrorCount)
	}
	if len(infos.Messages()) != infos.ErrorCount {
		t.Errorf("Messages() has %d entries, error_count %d", len(infos.Messages()), infos.ErrorCount)
	}
}

// TestConfigInfosShape checks the JSON member names against the shapes in
// docs/kafka-connect.md §1.3 (ConfigInfos, ConfigInfo, ConfigKeyInfo,
// ConfigValueInfo).
func TestConfigInfosShape(t *testing.T) {
	infos := testDef().Validate("X", validProps())
	raw, err := json.Marshal(infos)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(raw, &generic); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"top":        {"name", "error_count", "groups", "configs"},
		"config":     {"definition", "value"},
		"definition": {"name", "type", "required", "default_value", "importance", "documentation", "group", "order", "width", "display_name", "dependents"},
		"value":      {"name", "value", "recommended_values", "errors", "visible"},
	}
	check := func(what string, m map[string]any) {
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w := slices.Clone(want[what])
		sort.Strings(w)
		if !reflect.DeepEqual(keys, w) {
			t.Errorf("%s members = %v, want %v", what, keys, w)
		}
	}
	check("top", generic)
	configs := generic["configs"].([]any)
	if len(configs) != len(testDef().Keys()) {
		t.Fatalf("%d configs, want one per key (%d)", len(configs), len(testDef().Keys()))
	}
	for _, c := range configs {
		cm := c.(map[string]any)
		check("config", cm)
		check("definition", cm["definition"].(map[string]any))
		check("value", cm["value"].(map[string]any))
		// Lists are never null.
		for _, f := range []string{"recommended_values", "errors"} {
			if _, ok := cm["value"].(map[string]any)[f].([]any); !ok {
				t.Errorf("value.%s is not a JSON array in %v", f, cm)
			}
		}
		if _, ok := cm["definition"].(map[string]any)["dependents"].([]any); !ok {
			t.Errorf("definition.dependents is not a JSON array in %v", cm)
		}
	}
}

func TestValidateEntries(t *testing.T) {
	p := validProps()
	p["tasks.max"] = "abc"
	p["mode"] = "offset"
	infos := testDef().Validate("OneCQueueSource", p)
	byName := map[string]ConfigInfo{}
	for _, c := range infos.Configs {
		byName[c.Definition.Name] = c
	}
	str := func(p *string) string {
		if p == nil {
			return "<null>"
		}
		return *p
	}
	tests := []struct {
		key, value, def string
		required        bool
		errs            int
		group           string
		order           int
	}{
		{"name", "orders", "<null>", true, 0, "Common", 1},
		{"tasks.max", "abc", "1", false, 1, "Common", 3}, // unparsable: shown as given
		{"key.converter", "<null>", "<null>", false, 0, "Common", 4},
		{"topics", "", "", false, 0, "Common", 5},
		{"database.password", HiddenValue, HiddenValue, false, 0, "Connection", 2},
		{"poll.interval", "5s", "5s", false, 0, "Queue", 3},
		{"sample.ratio", "0.5", "0.5", false, 0, "<null>", -1},
		{"mode", "offset", "delete", false, 0, "Queue", 1},
	}
	for _, tt := range tests {
		c, ok := byName[tt.key]
		if !ok {
			t.Errorf("no entry for %s", tt.key)
			continue
		}
		if got := str(c.Value.Value); got != tt.value {
			t.Errorf("%s value = %q, want %q", tt.key, got, tt.value)
		}
		if got := str(c.Definition.DefaultValue); got != tt.def {
			t.Errorf("%s default_value = %q, want %q", tt.key, got, tt.def)
		}
		if c.Definition.Required != tt.required || len(c.Value.Errors) != tt.errs ||
			str(c.Definition.Group) != tt.group || c.Definition.Order != tt.order {
			t.Errorf("%s = %+v", tt.key, c)
		}
	}
	if got := byName["mode"].Value.RecommendedValues; !reflect.DeepEqual(got, []string{"delete", "offset"}) {
		t.Errorf("mode recommended_values = %v", got)
	}
	if !reflect.DeepEqual(infos.Groups, []string{"Common", "Error Handling", "Connection", "Queue"}) {
		t.Errorf("groups = %v", infos.Groups)
	}
}

func TestValidateMatchesParse(t *testing.T) {
	cases := []map[string]string{
		validProps(),
		{},
		merge(validProps(), map[string]string{"tasks.max": "-1", "unknown.key": "v"}),
		merge(validProps(), map[string]string{"transforms.x.type": "Filter"}),
	}
	for _, p := range cases {
		_, err := testDef().Parse(p)
		infos := testDef().Validate("X", p)
		var n int
		if ve, ok := err.(*ValidationError); ok {
			n = ve.Count()
		} else if err != nil {
			t.Fatal(err)
		}
		if n != infos.ErrorCount {
			t.Errorf("Parse found %d errors, Validate %d, for %v", n, infos.ErrorCount, p)
		}
	}
}

func TestValidateWithShowsReferencesNotSecrets(t *testing.T) {
	t.Setenv("ONEC_TEST_PASSWORD", "env-secret")
	t.Setenv("ONEC_TEST_URL", "postgres://127.0.0.1/resolved-db")
	p := validProps()
	p["database.password"] = "${env:ONEC_TEST_PASSWORD}"
	p["database.url"] = "${env:ONEC_TEST_URL}"
	p["tasks.max"] = "${env:ONEC_TEST_MISSING}"
	infos := testDef().ValidateWith(context.Background(), DefaultResolver(), "X", p)
	raw, _ := json.Marshal(infos)
	if bytes.Contains(raw, []byte("env-secret")) || bytes.Contains(raw, []byte("resolved-db")) {
		t.Errorf("resolved values leaked into ConfigInfos: %s", raw)
	}
	if infos.ErrorCount != 1 {
		t.Fatalf("error_count = %d, want 1 (tasks.max): %s", infos.ErrorCount, raw)
	}
	for _, c := range infos.Configs {
		switch c.Definition.Name {
		case "database.url":
			if *c.Value.Value != "${env:ONEC_TEST_URL}" {
				t.Errorf("database.url shown as %q", *c.Value.Value)
			}
		case "tasks.max":
			if len(c.Value.Errors) != 1 || !strings.Contains(c.Value.Errors[0], "tasks.max") ||
				!strings.Contains(c.Value.Errors[0], "${env:ONEC_TEST_MISSING}") {
				t.Errorf("tasks.max errors = %v", c.Value.Errors)
			}
		}
	}
}

func TestKeyInfosAndOrderAlias(t *testing.T) {
	infos := testDef().KeyInfos()
	if len(infos) != len(testDef().Keys()) || infos[2].Name != "tasks.max" || *infos[2].DefaultValue != "1" {
		t.Fatalf("KeyInfos = %+v", infos[:3])
	}
	var k ConfigKeyInfo
	if err := json.Unmarshal([]byte(`{"name":"a","order_in_group":7}`), &k); err != nil || k.Order != 7 || k.Name != "a" {
		t.Errorf("order_in_group alias: %+v, %v", k, err)
	}
	if err := json.Unmarshal([]byte(`{"name":"a","order":3}`), &k); err != nil || k.Order != 3 {
		t.Errorf("order: %+v, %v", k, err)
	}
}

func TestAddPrefixed(t *testing.T) {
	main := testDef().Validate("X", validProps())
	conv := NewConfigDef().
		Define(Key{Name: "schemas.enable", Type: TypeBoolean, Default: true, Group: "Converter"}).
		Define(Key{Name: "a", Type: TypeInt, Required: true}).
		Validate("JsonConverter", map[string]string{"schemas.enable": "maybe"})
	before := main.ErrorCount
	main.AddPrefixed("key.converter.", conv)
	if main.ErrorCount != before+2 { // two entries with errors
		t.Errorf("error_count = %d, want %d", main.ErrorCount, before+2)
	}
	last := main.Configs[len(main.Configs)-1]
	if last.Definition.Name != "key.converter.a" || last.Value.Name != "key.converter.a" {
		t.Errorf("last entry = %+v", last)
	}
	if !slices.Contains(main.Groups, "Converter") {
		t.Errorf("groups = %v", main.Groups)
	}
}
