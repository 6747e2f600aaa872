package cluster

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/onecconnect/onecconnect/connect"
)

// AssignmentError is the error field of an assignment blob.
type AssignmentError int16

// Assignment error codes (Kafka Connect's ConnectProtocol.Assignment).
const (
	// AssignmentOK means the assignment can be applied.
	AssignmentOK AssignmentError = 0
	// AssignmentConfigMismatch means the leader was behind the config topic
	// of some member: read the config topic to the end and rejoin.
	AssignmentConfigMismatch AssignmentError = 1
)

// connectorTask is the sentinel task number meaning "the Connector instance
// itself" in a connector-assignment element.
const connectorTask = -1

// Assignment is one member's assignment blob as the leader sends it in
// SyncGroup (§3.4). Under the incremental protocols Assigned holds only the
// newly assigned connectors and tasks; under eager it is the member's
// complete assignment and Revoked and Delay are not on the wire.
type Assignment struct {
	// Version is the blob's version header: 0 eager, 1 compatible, 2
	// sessioned.
	Version int16
	// Error is AssignmentOK or AssignmentConfigMismatch.
	Error AssignmentError
	// Leader and LeaderURL name the group leader, as the leader wrote them.
	Leader    string
	LeaderURL string
	// ConfigOffset is the config-topic offset the assignment was computed at.
	ConfigOffset int64
	// Assigned is what the member must start (incremental: newly assigned).
	Assigned Load
	// Revoked is what the member must stop now (version ≥ 1).
	Revoked Load
	// Delay is the time until the member must rejoin for a scheduled
	// rebalance; 0 means none. Carried in whole milliseconds (version ≥ 1).
	Delay time.Duration
}

// EncodeAssignment serialises a to the Kafka Connect assignment layout for
// a.Version: v0 stops after the assignment array, v1 and later add the
// revoked array and the delay. Connector-assignment elements are written in
// connector-name order, the connector's -1 first, then its task numbers
// ascending; empty lists are written as empty arrays, never null, like Java.
func EncodeAssignment(a Assignment) []byte {
	w := writer{b: make([]byte, 0, 64)}
	w.int16(a.Version)
	w.int16(int16(a.Error))
	w.string(a.Leader)
	w.string(a.LeaderURL)
	w.int64(a.ConfigOffset)
	writeConnectorAssignments(&w, a.Assigned)
	if a.Version >= 1 {
		writeConnectorAssignments(&w, a.Revoked)
		w.int32(delayMillis(a.Delay))
	}
	return w.b
}

func delayMillis(d time.Duration) int32 {
	ms := d.Milliseconds()
	switch {
	case ms < 0:
		return 0
	case ms > math.MaxInt32:
		return math.MaxInt32
	}
	return int32(ms)
}

// writeConnectorAssignments writes ARRAY(connector-assignment) for l.
func writeConnectorAssignments(w *writer, l Load) {
	l = normalize(l.Clone())
	byConn := map[string][]int32{}
	var names []string
	add := func(c string, n int32) {
		if _, ok := byConn[c]; !ok {
			names = append(names, c)
		}
		byConn[c] = append(byConn[c], n)
	}
	for _, c := range l.Connectors {
		add(c, connectorTask)
	}
	for _, t := range l.Tasks {
		add(t.Connector, int32(t.Task))
	}
	slices.Sort(names)
	w.int32(int32(len(names)))
	for _, c := range names {
		w.string(c)
		ids := byConn[c]
		slices.Sort(ids) // -1 sorts first
		w.int32(int32(len(ids)))
		for _, id := range ids {
			w.int32(id)
		}
	}
}

// DecodeAssignment parses an assignment blob of any version ≥ 0 the way
// Java does: with the v1 layout, tolerating missing trailing fields (a v0
// blob has no revoked array and no delay) and ignoring unknown trailing
// bytes. Malformed input gives an error wrapping ErrMalformed, never a
// panic.
func DecodeAssignment(b []byte) (Assignment, error) {
	r := reader{b: b}
	var a Assignment
	var err error
	if a.Version, err = r.int16("assignment version"); err != nil {
		return Assignment{}, err
	}
	if a.Version < 0 {
		return Assignment{}, fmt.Errorf("%w: assignment version %d", ErrMalformed, a.Version)
	}
	e, err := r.int16("assignment error")
	if err != nil {
		return Assignment{}, err
	}
	a.Error = AssignmentError(e)
	if a.Leader, err = r.string("leader"); err != nil {
		return Assignment{}, err
	}
	if a.LeaderURL, err = r.string("leader url"); err != nil {
		return Assignment{}, err
	}
	if a.ConfigOffset, err = r.int64("config offset"); err != nil {
		return Assignment{}, err
	}
	if r.remaining() == 0 {
		return a, nil
	}
	if a.Assigned, err = readConnectorAssignments(&r, "assignment"); err != nil {
		return Assignment{}, err
	}
	if r.remaining() == 0 {
		return a, nil
	}
	if a.Revoked, err = readConnectorAssignments(&r, "revoked"); err != nil {
		return Assignment{}, err
	}
	if r.remaining() == 0 {
		return a, nil
	}
	ms, err := r.int32("delay")
	if err != nil {
		return Assignment{}, err
	}
	if ms < 0 {
		return Assignment{}, fmt.Errorf("%w: negative delay %d", ErrMalformed, ms)
	}
	a.Delay = time.Duration(ms) * time.Millisecond
	return a, nil
}

// readConnectorAssignments reads a nullable ARRAY(connector-assignment);
// null reads as an empty load.
func readConnectorAssignments(r *reader, what string) (Load, error) {
	n, _, err := r.arrayLen(what, 6)
	if err != nil {
		return Load{}, err
	}
	var l Load
	for i := 0; i < n; i++ {
		c, err := r.string(what + " connector")
		if err != nil {
			return Load{}, err
		}
		k, _, err := r.arrayLen(what+" tasks of "+c, 4)
		if err != nil {
			return Load{}, err
		}
		for j := 0; j < k; j++ {
			id, err := r.int32(what + " task id")
			if err != nil {
				return Load{}, err
			}
			switch {
			case id == connectorTask:
				l.Connectors = append(l.Connectors, c)
			case id < 0:
				return Load{}, fmt.Errorf("%w: %s: connector %q: task id %d", ErrMalformed, what, c, id)
			default:
				l.Tasks = append(l.Tasks, connect.TaskID{Connector: c, Task: int(id)})
			}
		}
	}
	return normalize(l), nil
}
