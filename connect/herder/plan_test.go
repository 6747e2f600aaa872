package herder

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

func TestPlanRestart(t *testing.T) {
	st := ConnectorStateInfo{Name: "c", Connector: State{State: "FAILED"},
		Tasks: []TaskState{{ID: 0, State: "RUNNING"}, {ID: 1, State: "FAILED"}, {ID: 2, State: "PAUSED"}}}
	healthy := ConnectorStateInfo{Name: "c", Connector: State{State: "RUNNING"}, Tasks: []TaskState{{ID: 0, State: "FAILED"}}}
	id := func(n int) connect.TaskID { return connect.TaskID{Connector: "c", Task: n} }
	for _, tc := range []struct {
		name      string
		req       RestartRequest
		st        ConnectorStateInfo
		connector bool
		tasks     []connect.TaskID
	}{
		{"plain", RestartRequest{}, st, true, nil},
		{"only failed connector", RestartRequest{OnlyFailed: true}, st, true, nil},
		{"only failed, connector healthy", RestartRequest{OnlyFailed: true}, healthy, false, nil},
		{"include tasks", RestartRequest{IncludeTasks: true}, st, true, []connect.TaskID{id(0), id(1), id(2)}},
		{"include failed tasks", RestartRequest{IncludeTasks: true, OnlyFailed: true}, st, true, []connect.TaskID{id(1)}},
		{"failed task of healthy connector", RestartRequest{IncludeTasks: true, OnlyFailed: true}, healthy, false, []connect.TaskID{id(0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planRestart(tc.req, tc.st)
			if p.connector != tc.connector || !reflect.DeepEqual(p.tasks, tc.tasks) {
				t.Errorf("plan %+v, want connector=%v tasks=%v", p, tc.connector, tc.tasks)
			}
			m := p.marked(tc.st)
			if (m.Connector.State == "RESTARTING") != tc.connector {
				t.Errorf("connector marked %s", m.Connector.State)
			}
			marked := 0
			for _, ts := range m.Tasks {
				if ts.State == "RESTARTING" {
					marked++
				}
			}
			if marked != len(tc.tasks) {
				t.Errorf("%d tasks marked RESTARTING, want %d", marked, len(tc.tasks))
			}
			if tc.st.Tasks[0].State == "RESTARTING" {
				t.Error("marked modified the input")
			}
		})
	}
}

func TestCheckSinkOffset(t *testing.T) {
	ok := map[string]any{"kafka_topic": "t", "kafka_partition": int64(0)}
	for _, tc := range []struct {
		name string
		e    connect.OffsetEntry
		want string // "" = valid
	}{
		{"valid", connect.OffsetEntry{Partition: ok, Offset: map[string]any{"kafka_offset": int64(5)}}, ""},
		{"valid reset", connect.OffsetEntry{Partition: ok}, ""},
		{"strings", connect.OffsetEntry{Partition: map[string]any{"kafka_topic": "t", "kafka_partition": "3"}, Offset: map[string]any{"kafka_offset": "7"}}, ""},
		{"no partition", connect.OffsetEntry{}, "cannot be null or missing"},
		{"missing key", connect.OffsetEntry{Partition: map[string]any{"kafka_topic": "t"}}, "must contain the keys 'kafka_topic' and 'kafka_partition'"},
		{"null topic", connect.OffsetEntry{Partition: map[string]any{"kafka_topic": nil, "kafka_partition": int64(0)}}, "Kafka topic names must be valid strings"},
		{"null partition", connect.OffsetEntry{Partition: map[string]any{"kafka_topic": "t", "kafka_partition": nil}}, "Kafka partitions must be valid numbers"},
		{"bad partition", connect.OffsetEntry{Partition: map[string]any{"kafka_topic": "t", "kafka_partition": 1.5}}, "Partition values for sink connectors need to be integers"},
		{"offset without key", connect.OffsetEntry{Partition: ok, Offset: map[string]any{"x": int64(1)}}, "should either be null or contain the key 'kafka_offset'"},
		{"bad offset", connect.OffsetEntry{Partition: ok, Offset: map[string]any{"kafka_offset": "x"}}, "Offset values for sink connectors need to be integers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSinkOffset(tc.e)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tc.want != "" && (err == nil || KindOf(err) != KindBadRequest || !contains(err.Error(), tc.want)):
				t.Errorf("error %v, want a bad request containing %q", err, tc.want)
			}
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestValidateSinkTopics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		props map[string]string
		want  map[string]int // errors per key
	}{
		{"topics", map[string]string{"topics": "a"}, nil},
		{"regex", map[string]string{"topics.regex": "a.*"}, nil},
		{"neither", map[string]string{}, map[string]int{"topics": 1, "topics.regex": 1}},
		{"both", map[string]string{"topics": "a", "topics.regex": "a.*"}, map[string]int{"topics": 1, "topics.regex": 1}},
		{"dlq in topics", map[string]string{"topics": "a,dlq", "errors.deadletterqueue.topic.name": "dlq"}, map[string]int{"errors.deadletterqueue.topic.name": 1}},
		{"dlq matched by regex", map[string]string{"topics.regex": "d.*", "errors.deadletterqueue.topic.name": "dlq"}, map[string]int{"errors.deadletterqueue.topic.name": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var infos config.ConfigInfos
			validateSinkTopics(&infos, tc.props)
			got := map[string]int{}
			total := 0
			for _, c := range infos.Configs {
				if n := len(c.Value.Errors); n > 0 {
					got[c.Value.Name] = n
					total += n
				}
			}
			if len(tc.want) == 0 && len(got) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) || infos.ErrorCount != total {
				t.Errorf("errors %v (count %d), want %v", got, infos.ErrorCount, tc.want)
			}
		})
	}
}

func TestErrorKinds(t *testing.T) {
	err := NotFound("Connector %s not found", "x")
	if KindOf(err) != KindNotFound || err.Error() != "Connector x not found" {
		t.Errorf("NotFound: kind %v, message %q", KindOf(err), err)
	}
	if !errorsIs(err, ErrNotFound) || errorsIs(err, ErrConflict) {
		t.Error("errors.Is does not match kinds")
	}
	if KindOf(&NotLeaderError{URL: "http://x"}) != KindInternal {
		t.Error("a NotLeaderError is not a herder *Error")
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
