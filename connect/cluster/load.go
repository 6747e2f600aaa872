package cluster

import (
	"cmp"
	"slices"

	"github.com/onecconnect/onecconnect/connect"
)

// Load is a set of connectors and tasks: what a member runs, is assigned or
// must stop. The slices are kept sorted (connectors by name, tasks by
// connector then number) and free of duplicates by every function of this
// package that returns a Load.
type Load struct {
	Connectors []string
	Tasks      []connect.TaskID
}

// Empty reports whether the load holds nothing.
func (l Load) Empty() bool { return len(l.Connectors) == 0 && len(l.Tasks) == 0 }

// Len returns the number of connectors plus tasks.
func (l Load) Len() int { return len(l.Connectors) + len(l.Tasks) }

// HasConnector reports whether the load holds connector c.
func (l Load) HasConnector(c string) bool {
	_, ok := slices.BinarySearch(l.Connectors, c)
	return ok
}

// HasTask reports whether the load holds task t.
func (l Load) HasTask(t connect.TaskID) bool {
	_, ok := slices.BinarySearchFunc(l.Tasks, t, compareTask)
	return ok
}

// Clone returns a deep copy.
func (l Load) Clone() Load {
	return Load{Connectors: slices.Clone(l.Connectors), Tasks: slices.Clone(l.Tasks)}
}

// Union returns l ∪ o.
func (l Load) Union(o Load) Load {
	return normalize(Load{
		Connectors: append(slices.Clone(l.Connectors), o.Connectors...),
		Tasks:      append(slices.Clone(l.Tasks), o.Tasks...),
	})
}

// Minus returns l − o.
func (l Load) Minus(o Load) Load {
	s := newLoadSet(o)
	var out Load
	for _, c := range l.Connectors {
		if _, ok := s.connectors[c]; !ok {
			out.Connectors = append(out.Connectors, c)
		}
	}
	for _, t := range l.Tasks {
		if _, ok := s.tasks[t]; !ok {
			out.Tasks = append(out.Tasks, t)
		}
	}
	return normalize(out)
}

func compareTask(a, b connect.TaskID) int {
	if c := cmp.Compare(a.Connector, b.Connector); c != 0 {
		return c
	}
	return cmp.Compare(a.Task, b.Task)
}

// normalize sorts and de-duplicates l in place and returns it.
func normalize(l Load) Load {
	slices.Sort(l.Connectors)
	l.Connectors = slices.Compact(l.Connectors)
	slices.SortFunc(l.Tasks, compareTask)
	l.Tasks = slices.Compact(l.Tasks)
	return l
}

// loadSet is the assignor's working form of a Load.
type loadSet struct {
	connectors map[string]struct{}
	tasks      map[connect.TaskID]struct{}
}

func newLoadSet(loads ...Load) loadSet {
	s := loadSet{connectors: map[string]struct{}{}, tasks: map[connect.TaskID]struct{}{}}
	for _, l := range loads {
		s.addLoad(l)
	}
	return s
}

func (s loadSet) addLoad(l Load) {
	for _, c := range l.Connectors {
		s.connectors[c] = struct{}{}
	}
	for _, t := range l.Tasks {
		s.tasks[t] = struct{}{}
	}
}

func (s loadSet) addSet(o loadSet) {
	for c := range o.connectors {
		s.connectors[c] = struct{}{}
	}
	for t := range o.tasks {
		s.tasks[t] = struct{}{}
	}
}

func (s loadSet) removeSet(o loadSet) {
	for c := range o.connectors {
		delete(s.connectors, c)
	}
	for t := range o.tasks {
		delete(s.tasks, t)
	}
}

func (s loadSet) empty() bool { return len(s.connectors) == 0 && len(s.tasks) == 0 }

func (s loadSet) clone() loadSet {
	out := newLoadSet()
	out.addSet(s)
	return out
}

// minus returns s − others.
func (s loadSet) minus(others ...loadSet) loadSet {
	out := s.clone()
	for _, o := range others {
		out.removeSet(o)
	}
	return out
}

// intersect returns s ∩ o.
func (s loadSet) intersect(o loadSet) loadSet {
	out := newLoadSet()
	for c := range s.connectors {
		if _, ok := o.connectors[c]; ok {
			out.connectors[c] = struct{}{}
		}
	}
	for t := range s.tasks {
		if _, ok := o.tasks[t]; ok {
			out.tasks[t] = struct{}{}
		}
	}
	return out
}

// anyIn reports whether s and o share an element.
func (s loadSet) anyIn(o loadSet) bool { return !s.intersect(o).empty() }

// load returns the sorted Load form.
func (s loadSet) load() Load {
	var l Load
	for c := range s.connectors {
		l.Connectors = append(l.Connectors, c)
	}
	for t := range s.tasks {
		l.Tasks = append(l.Tasks, t)
	}
	return normalize(l)
}
