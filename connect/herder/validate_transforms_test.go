package herder_test

import (
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// The validate endpoint checks each transformation's and predicate's own
// settings, predicate references and duplicate aliases, and reports them
// under "Transforms: <alias>" / "Predicates: <alias>" as Kafka Connect does.
func TestValidateTransformSettings(t *testing.T) {
	k := testkit.Kafka(t)
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: plugins.Default})
	cfg := map[string]any{
		"name":                       "v",
		"connector.class":            "FileStreamSource",
		"topic":                      "t",
		"file":                       "/dev/null",
		"transforms":                 "cast,route,cast,mask",
		"transforms.cast.type":       "Cast$Value",
		"transforms.route.type":      "TopicTransliterate",
		"transforms.route.case":      "upper",
		"transforms.route.predicate": "missing",
		"transforms.mask.type":       "MaskField$Value",
		"transforms.mask.fields":     "Номер",
		"transforms.mask.negate":     "true",
		"predicates":                 "isTomb",
		"predicates.isTomb.type":     "RecordIsTombstone",
	}
	var infos config.ConfigInfos
	s.Client.Expect(t, "PUT", "/connector-plugins/FileStreamSource/config/validate", cfg, 200, &infos)
	errs := map[string]string{}
	for _, c := range infos.Configs {
		if len(c.Value.Errors) > 0 {
			errs[c.Value.Name] = strings.Join(c.Value.Errors, "; ")
		}
	}
	want := map[string]string{
		"transforms":                 `Duplicate item "cast"`,
		"transforms.cast.spec":       `Missing required configuration "transforms.cast.spec"`,
		"transforms.route.case":      "Invalid value upper for configuration transforms.route.case",
		"transforms.route.predicate": "predicate missing is not defined",
		"transforms.mask.negate":     "no predicate is configured",
	}
	for key, frag := range want {
		if !strings.Contains(errs[key], frag) {
			t.Errorf("%s: errors %q, want one containing %q", key, errs[key], frag)
		}
	}
	if len(errs) != len(want) {
		t.Errorf("unexpected errors: %v", errs)
	}
	if infos.ErrorCount < len(want) {
		t.Errorf("error_count = %d, want ≥ %d", infos.ErrorCount, len(want))
	}
	groups := strings.Join(infos.Groups, ",")
	for _, g := range []string{"Transforms: cast", "Transforms: route", "Predicates: isTomb"} {
		if !strings.Contains(groups, g) {
			t.Errorf("groups %q lack %q", groups, g)
		}
	}
}
