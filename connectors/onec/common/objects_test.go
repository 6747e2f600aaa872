package common

import (
	"reflect"
	"testing"

	"github.com/onecconnect/onecconnect/connect"
)

func TestObjectTaskConfigs(t *testing.T) {
	props := map[string]string{"name": "c", connect.TaskClassKey: "x"}
	objs := []string{"A", "B", "C", "D", "E"}
	for _, tt := range []struct {
		max  int
		want []string
	}{
		{0, []string{"A,B,C,D,E"}},
		{1, []string{"A,B,C,D,E"}},
		{2, []string{"A,C,E", "B,D"}},
		{9, []string{"A", "B", "C", "D", "E"}},
	} {
		cfgs := ObjectTaskConfigs(props, objs, tt.max)
		var got []string
		for _, c := range cfgs {
			if c["name"] != "c" || c[connect.TaskClassKey] != "" {
				t.Fatalf("max %d: task props %v", tt.max, c)
			}
			got = append(got, c[KeyTaskObjects])
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("max %d: groups %q, want %q", tt.max, got, tt.want)
		}
	}
	if cfgs := ObjectTaskConfigs(props, nil, 3); len(cfgs) != 0 {
		t.Errorf("no objects: %d tasks", len(cfgs))
	}
	if props[KeyTaskObjects] != "" || props[connect.TaskClassKey] != "x" {
		t.Error("props changed")
	}
}

func TestTrimList(t *testing.T) {
	if got := TrimList([]string{" a ", "", "  ", "b"}); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("%q", got)
	}
}
