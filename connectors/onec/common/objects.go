package common

import (
	"strings"

	"github.com/onecconnect/onecconnect/connect"
)

// KeyTaskObjects is the task property the object-based 1C sources' task
// configurations carry: the task's group of objects (comma-separated).
const KeyTaskObjects = "task.objects"

// TrimList returns the non-blank items of in, trimmed.
func TrimList(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ObjectTaskConfigs spreads objects over at most maxTasks tasks, at most
// one task per object, round-robin in the configured order: each task's
// properties are a copy of props with its group under KeyTaskObjects
// (and without task.class, which the runtime sets). No objects, no tasks.
func ObjectTaskConfigs(props map[string]string, objects []string, maxTasks int) []map[string]string {
	n := min(max(maxTasks, 1), len(objects))
	groups := make([][]string, n)
	for i, o := range objects {
		groups[i%n] = append(groups[i%n], o)
	}
	out := make([]map[string]string, n)
	for i, g := range groups {
		p := make(map[string]string, len(props)+1)
		for k, v := range props {
			p[k] = v
		}
		p[KeyTaskObjects] = strings.Join(g, ",")
		delete(p, connect.TaskClassKey)
		out[i] = p
	}
	return out
}
