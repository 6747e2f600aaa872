package herder_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Distributed-mode tests run several workers in this process on a 3-broker
// kfake cluster, each with its own REST listener, Kafka clients and stores,
// and drive them through the REST API only (kafka-connect.md §9). The ones
// that wait for a session timeout (6 s, kfake's minimum) run in parallel.

// perWorker counts a status's connector and tasks per worker id.
func perWorker(sts ...herder.ConnectorStateInfo) (conns, tasks map[string]int) {
	conns, tasks = map[string]int{}, map[string]int{}
	for _, st := range sts {
		conns[st.Connector.WorkerID]++
		for _, ts := range st.Tasks {
			tasks[ts.WorkerID]++
		}
	}
	return conns, tasks
}

// spread returns max − min of the counts over the given workers (absent
// workers count 0).
func spread(counts map[string]int, workers []*connecttest.DWorker) int {
	lo, hi := -1, 0
	for _, w := range workers {
		n := counts[w.ID]
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return hi - lo
}

func workerIDs(ws []*connecttest.DWorker) map[string]bool {
	out := map[string]bool{}
	for _, w := range ws {
		out[w.ID] = true
	}
	return out
}

// (a) and (e): three workers run two connectors of four tasks each, spread
// within one per worker; every write goes through a follower and is
// forwarded to the leader: create, pause, stop, offsets PATCH, resume,
// restarts, delete; the internal endpoint refuses unsigned and badly signed
// requests.
func TestDistributedRESTThroughFollower(t *testing.T) {
	k := testkit.Kafka(t, testkit.Brokers(3))
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(&startCounter{m: map[string]int{}}), Workers: 3})
	f := c.Follower()
	if f == nil || c.Leader() == nil {
		t.Fatal("no leader or no follower")
	}
	cl := f.Client
	for _, name := range []string{"alpha", "beta"} {
		cl.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": name,
			"config": map[string]any{"connector.class": "SeqSource", "tasks.max": 4}}, 201, nil, 30*time.Second)
	}
	// Statuses are readable on every worker.
	var sts []herder.ConnectorStateInfo
	for i, name := range []string{"alpha", "beta"} {
		w := c.Workers()[i]
		sts = append(sts, w.Client.WaitStatus(t, name, "RUNNING", 4, "RUNNING", 30*time.Second))
	}
	c.WaitStable(t, 30*time.Second)
	conns, tasks := perWorker(sts...)
	t.Logf("connectors per worker %v, tasks per worker %v", conns, tasks)
	if s := spread(tasks, c.Workers()); s > 1 {
		t.Errorf("tasks per worker %v: spread %d, want ≤ 1", tasks, s)
	}
	ids := workerIDs(c.Workers())
	for w := range tasks {
		if !ids[w] {
			t.Errorf("a task runs on unknown worker %q", w)
		}
	}
	got := c.Leader().Client.ExpectEventually(t, "GET", "/connectors/alpha/tasks", nil, 200, nil, 10*time.Second)
	if n := strings.Count(string(got.Body), `"task.index"`); n != 4 {
		t.Errorf("GET tasks on the leader: %d task configs, want 4: %s", n, got.Body)
	}

	// Pause and resume, through the follower.
	cl.ExpectEventually(t, "PUT", "/connectors/alpha/pause", nil, 202, nil, 20*time.Second)
	c.Workers()[2].Client.WaitStatus(t, "alpha", "PAUSED", 4, "PAUSED", 20*time.Second)

	// Stop: empty task set, then STOPPED; offsets can then be altered.
	cl.ExpectEventually(t, "PUT", "/connectors/alpha/stop", nil, 204, nil, 20*time.Second)
	cl.WaitStatus(t, "alpha", "STOPPED", 0, "", 20*time.Second)
	cl.ExpectEventually(t, "GET", "/connectors/alpha/tasks", nil, 200, nil, 10*time.Second)
	patch := map[string]any{"offsets": []any{map[string]any{"partition": map[string]any{"task": 0}, "offset": map[string]any{"seq": 41}}}}
	var msg herder.Message
	cl.ExpectEventually(t, "PATCH", "/connectors/alpha/offsets", patch, 200, &msg, 20*time.Second)
	var offs herder.ConnectorOffsets
	c.Workers()[0].Client.ExpectEventually(t, "GET", "/connectors/alpha/offsets", nil, 200, &offs, 10*time.Second)
	if len(offs.Offsets) != 1 || fmt.Sprint(offs.Offsets[0].Offset["seq"]) != "41" {
		t.Errorf("offsets after PATCH: %+v", offs)
	}

	// Resume out of STOPPED regenerates the tasks.
	cl.ExpectEventually(t, "PUT", "/connectors/alpha/resume", nil, 202, nil, 20*time.Second)
	cl.WaitStatus(t, "alpha", "RUNNING", 4, "RUNNING", 30*time.Second)

	// Restarts: KIP-745 through the leader's restart record, the plain one
	// and a task restart by the owner (forwarded by follower and leader).
	var marked herder.ConnectorStateInfo
	cl.ExpectEventually(t, "POST", "/connectors/beta/restart?includeTasks=true", nil, 202, &marked, 20*time.Second)
	if marked.Connector.State != "RESTARTING" || len(marked.Tasks) != 4 {
		t.Errorf("restart answer: %+v", marked)
	}
	cl.WaitStatus(t, "beta", "RUNNING", 4, "RUNNING", 30*time.Second)
	cl.ExpectEventually(t, "POST", "/connectors/beta/restart", nil, 204, nil, 20*time.Second)
	for _, w := range c.Workers() {
		w.Client.ExpectEventually(t, "POST", "/connectors/beta/tasks/3/restart", nil, 204, nil, 20*time.Second)
	}
	cl.WaitStatus(t, "beta", "RUNNING", 4, "RUNNING", 30*time.Second)

	// Internal endpoint: signature checked before anything else.
	unsigned := cl.Do(t, "POST", "/connectors/nosuch/tasks", "[]")
	if unsigned.Status != http.StatusBadRequest || !strings.Contains(string(unsigned.Body), "missing required signature") {
		t.Errorf("unsigned internal request: %d %s", unsigned.Status, unsigned.Body)
	}
	req, _ := http.NewRequest("POST", f.URL+"/connectors/beta/tasks", strings.NewReader("[]"))
	req.Header.Set(rest.HeaderSignature, "AAAA")
	req.Header.Set(rest.HeaderSignatureAlgorithm, "HmacSHA256")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("badly signed internal request: %d, want 403", resp.StatusCode)
	}

	// Delete through the follower: gone everywhere, statuses tombstoned.
	cl.ExpectEventually(t, "DELETE", "/connectors/alpha", nil, 204, nil, 20*time.Second)
	for _, w := range c.Workers() {
		deadline := time.Now().Add(20 * time.Second)
		for {
			r := w.Client.Do(t, "GET", "/connectors/alpha/status", nil)
			if r.Status == 404 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("worker %s: status of a deleted connector: %d %s", w.Name, r.Status, r.Body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// The status is 404 as soon as a worker has read the config removal; the
	// instances stop right after, from the herder's event queue.
	for _, w := range c.Workers() {
		deadline := time.Now().Add(10 * time.Second)
		for {
			var left []string
			for _, id := range w.Herder.Running().Tasks {
				if id.Connector == "alpha" {
					left = append(left, id.String())
				}
			}
			if len(left) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("worker %s still runs %v 10s after the connector was deleted", w.Name, left)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	cl.WaitStatus(t, "beta", "RUNNING", 4, "RUNNING", 30*time.Second)
}

// (h) A config topic with two partitions is refused at start, naming the
// topic and the property.
func TestDistributedConfigTopicPartitions(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: connecttest.ToyPlugins()})
	topic := c.Props()["config.storage.topic"]
	k.CreateTopic(t, topic, 2, map[string]string{"cleanup.policy": "compact"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.TryAddWorker(ctx)
	if !errors.Is(err, kafkastore.ErrTopicPartitions) || !strings.Contains(err.Error(), "config.storage.topic") || !strings.Contains(err.Error(), topic) {
		t.Fatalf("start with a 2-partition config topic: %v", err)
	}
}

// taskOwners maps "<task>" → worker id from a status.
func taskOwners(st herder.ConnectorStateInfo) map[int]string {
	out := map[int]string{}
	for _, ts := range st.Tasks {
		out[ts.ID] = ts.WorkerID
	}
	return out
}

// waitOn polls the status through cl until the connector and all its n
// tasks are RUNNING on workers of live, and returns it.
func waitOn(t *testing.T, cl *connecttest.Client, name string, n int, live []*connecttest.DWorker, timeout time.Duration) herder.ConnectorStateInfo {
	t.Helper()
	ids := workerIDs(live)
	deadline := time.Now().Add(timeout)
	for {
		st := cl.WaitStatus(t, name, "RUNNING", n, "RUNNING", timeout)
		ok := ids[st.Connector.WorkerID]
		for _, ts := range st.Tasks {
			ok = ok && ids[ts.WorkerID]
		}
		if ok {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("connector %s not running on live workers within %v: %+v", name, timeout, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// (b), (c), (d): the leader killed without LeaveGroup → its tasks RUNNING
// elsewhere within session timeout + slack; a graceful leave → reassigned
// promptly; workers joining → the load spreads and tasks that stay where
// they were are never stopped and started again.
func TestDistributedFailover(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	starts := &startCounter{m: map[string]int{}}
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(starts), Workers: 3})
	const n = 9
	c.Workers()[0].Client.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": "load",
		"config": map[string]any{"connector.class": "SeqSource", "tasks.max": n}}, 201, nil, 30*time.Second)
	waitOn(t, c.Workers()[0].Client, "load", n, c.Workers(), 30*time.Second)

	// (b) The leader dies (the kfake leader-bug path).
	victim := c.Leader()
	start := time.Now()
	victim.Kill(t)
	live := c.Workers()
	waitOn(t, live[0].Client, "load", n, live, 30*time.Second)
	took := time.Since(start)
	t.Logf("leader killed: all tasks RUNNING elsewhere after %v", took.Round(time.Millisecond))
	if took > 6*time.Second+6*time.Second {
		t.Errorf("failover took %v, want ≤ session timeout (6 s) + 6 s", took)
	}
	c.WaitStable(t, 30*time.Second)
	if c.Leader() == nil {
		t.Fatal("no leader after the leader died")
	}

	// (c) A graceful leave: reassigned without waiting for a session timeout.
	leaving := c.Workers()[0]
	start = time.Now()
	leaving.Stop(t)
	live = c.Workers()
	waitOn(t, live[0].Client, "load", n, live, 30*time.Second)
	took = time.Since(start)
	t.Logf("graceful leave: all tasks RUNNING elsewhere after %v", took.Round(time.Millisecond))
	if took > 5*time.Second {
		t.Errorf("graceful leave took %v to reassign, want < 5 s (no session timeout)", took)
	}
	c.WaitStable(t, 30*time.Second)

	// (d) Two workers join: the load spreads; unaffected tasks keep running.
	before := taskOwners(live[0].Client.WaitStatus(t, "load", "RUNNING", n, "RUNNING", 10*time.Second))
	startsBefore := map[int]int{}
	for i := range n {
		startsBefore[i] = starts.get(fmt.Sprintf("load-%d", i))
	}
	c.AddWorker(t)
	c.AddWorker(t)
	live = c.Workers()
	deadline := time.Now().Add(30 * time.Second)
	var st herder.ConnectorStateInfo
	for {
		st = waitOn(t, live[0].Client, "load", n, live, 30*time.Second)
		_, tasks := perWorker(st)
		tasks[st.Connector.WorkerID] += 0
		if spread(tasks, live) <= 1 {
			t.Logf("after joins: tasks per worker %v", tasks)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("load did not spread over %d workers: %v", len(live), tasks)
		}
		time.Sleep(100 * time.Millisecond)
	}
	moved := 0
	for i, w := range taskOwners(st) {
		if w != before[i] {
			moved++
			continue
		}
		if got := starts.get(fmt.Sprintf("load-%d", i)); got != startsBefore[i] {
			t.Errorf("task load-%d stayed on %s but was started %d more time(s)", i, w, got-startsBefore[i])
		}
	}
	if moved == 0 {
		t.Error("no task moved to the new workers")
	}
}

// seqReport checks the sequences SeqSource tasks wrote to topic: every
// number from 0 to the highest seen, per task, must be there (no loss);
// duplicates are allowed and counted.
func seqReport(t *testing.T, k *testkit.KafkaCluster, topic string, tasks int) (total, dups int, zeros map[int]int) {
	t.Helper()
	seen := map[int]map[int64]int{}
	zeros = map[int]int{}
	for _, m := range k.ReadAll(t, topic) {
		var task int
		var n int64
		if _, err := fmt.Sscanf(string(m.Value), "%d:%d", &task, &n); err != nil {
			t.Fatalf("record %q: %v", m.Value, err)
		}
		if seen[task] == nil {
			seen[task] = map[int64]int{}
		}
		seen[task][n]++
		total++
	}
	for task := range tasks {
		s := seen[task]
		if len(s) == 0 {
			t.Errorf("task %d wrote nothing", task)
			continue
		}
		var hi int64
		for n, c := range s {
			hi = max(hi, n)
			dups += c - 1
		}
		for n := int64(0); n <= hi; n++ {
			if s[n] == 0 {
				t.Errorf("task %d: number %d lost (highest %d)", task, n, hi)
				break
			}
		}
		zeros[task] = s[0]
	}
	return total, dups, zeros
}

// (f) A source writing strictly increasing sequences loses no number
// through repeated worker kills (duplicates allowed, counted, reported).
func TestDistributedNoLossThroughKills(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("seq")
	k.CreateTopic(t, topic, 3, nil)
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(&startCounter{m: map[string]int{}}), Workers: 3})
	const n = 3
	c.Workers()[0].Client.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": "seq",
		"config": map[string]any{"connector.class": "SeqSource", "tasks.max": n, "topic": topic}}, 201, nil, 30*time.Second)
	st := waitOn(t, c.Workers()[0].Client, "seq", n, c.Workers(), 30*time.Second)
	for round := range 2 {
		time.Sleep(700 * time.Millisecond)
		var victim *connecttest.DWorker
		for _, w := range c.Workers() {
			if w.ID == st.Tasks[round].WorkerID {
				victim = w
			}
		}
		if victim == nil {
			t.Fatalf("round %d: owner of task %d not found", round, round)
		}
		victim.Kill(t)
		c.AddWorker(t)
		st = waitOn(t, c.Workers()[0].Client, "seq", n, c.Workers(), 40*time.Second)
	}
	time.Sleep(700 * time.Millisecond)
	c.Workers()[0].Client.ExpectEventually(t, "PUT", "/connectors/seq/stop", nil, 204, nil, 30*time.Second)
	c.Workers()[0].Client.WaitStatus(t, "seq", "STOPPED", 0, "", 30*time.Second)
	total, dups, _ := seqReport(t, k, topic, n)
	t.Logf("through 2 kills: %d records, %d duplicates (%.1f%%), no number lost", total, dups, 100*float64(dups)/float64(max(total, 1)))
	if total == 0 {
		t.Fatal("nothing written")
	}
}

// (g) A full cluster restart resumes from stored offsets and target states:
// a paused connector comes back PAUSED, a running source continues its
// sequences where the committed offsets say.
func TestDistributedFullRestart(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	topic := testkit.UniqueTopic("seq")
	k.CreateTopic(t, topic, 3, nil)
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(&startCounter{m: map[string]int{}}), Workers: 2})
	cl := c.Workers()[0].Client
	cl.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": "seq",
		"config": map[string]any{"connector.class": "SeqSource", "tasks.max": 2, "topic": topic}}, 201, nil, 30*time.Second)
	cl.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": "idle",
		"config": map[string]any{"connector.class": "ToySource", "tasks.max": 2}}, 201, nil, 30*time.Second)
	cl.WaitStatus(t, "seq", "RUNNING", 2, "RUNNING", 30*time.Second)
	cl.WaitStatus(t, "idle", "RUNNING", 2, "RUNNING", 30*time.Second)
	cl.ExpectEventually(t, "PUT", "/connectors/idle/pause", nil, 202, nil, 20*time.Second)
	cl.WaitStatus(t, "idle", "PAUSED", 2, "PAUSED", 20*time.Second)
	time.Sleep(500 * time.Millisecond)
	for _, w := range c.Workers() {
		w.Stop(t)
	}
	before, _, _ := seqReport(t, k, topic, 2)

	c.AddWorker(t)
	c.AddWorker(t)
	c.WaitStable(t, 60*time.Second)
	cl = c.Workers()[0].Client
	cl.WaitStatus(t, "idle", "PAUSED", 2, "PAUSED", 30*time.Second)
	waitOn(t, cl, "seq", 2, c.Workers(), 30*time.Second)
	time.Sleep(500 * time.Millisecond)
	cl.ExpectEventually(t, "PUT", "/connectors/seq/stop", nil, 204, nil, 30*time.Second)
	cl.WaitStatus(t, "seq", "STOPPED", 0, "", 30*time.Second)
	total, dups, zeros := seqReport(t, k, topic, 2)
	t.Logf("before restart %d records; after %d records, %d duplicates", before, total, dups)
	if total <= before {
		t.Errorf("nothing written after the restart (%d records before, %d after)", before, total)
	}
	for task, z := range zeros {
		if z != 1 {
			t.Errorf("task %d wrote 0 %d times: it did not resume from its stored offset", task, z)
		}
	}
}

// Zombie fencing: a worker whose heartbeats go unanswered for the session
// timeout less a heartbeat interval stops all its tasks and commits no
// offsets for them (the fence refuses the final commit); the group hands
// the tasks on, and no number of the sequences is lost.
func TestDistributedZombieFencing(t *testing.T) {
	t.Parallel()
	k := testkit.Kafka(t, testkit.Brokers(3))
	fake := k.RequireFake(t)
	topic := testkit.UniqueTopic("seq")
	k.CreateTopic(t, topic, 3, nil)
	c := connecttest.StartCluster(t, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(&startCounter{m: map[string]int{}}), Workers: 3})
	cl := c.Workers()[0].Client
	cl.ExpectEventually(t, "POST", "/connectors", map[string]any{"name": "seq",
		"config": map[string]any{"connector.class": "SeqSource", "tasks.max": 3, "topic": topic}}, 201, nil, 30*time.Second)
	waitOn(t, cl, "seq", 3, c.Workers(), 30*time.Second)
	time.Sleep(500 * time.Millisecond)

	victim := c.Follower()
	if victim == nil || len(victim.Herder.Running().Tasks) == 0 {
		t.Fatal("no follower running tasks")
	}
	member := victim.Herder.Member().MemberID()
	until := time.Now().Add(9 * time.Second)
	fake.ControlKey(int16(kmsg.Heartbeat), func(req kmsg.Request) (kmsg.Response, error, bool) {
		fake.KeepControl()
		if time.Now().After(until) {
			fake.DropControl()
			return nil, nil, false
		}
		if hb, ok := req.(*kmsg.HeartbeatRequest); ok && hb.MemberID == member {
			return nil, errors.New("heartbeat dropped by the test"), true
		}
		return nil, nil, false
	})
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(victim.Logs.String(), "lost the group coordinator") {
		if time.Now().After(deadline) {
			t.Fatal("the cut-off worker never declared its coordinator lost")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The final commit of the stopping tasks is refused by the fence; it is
	// logged just after the herder's "lost" line.
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(victim.Logs.String(), "zombie fencing") {
		if time.Now().After(deadline) {
			t.Error("no offset commit was refused by the fence while the worker was a zombie")
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	waitOn(t, cl, "seq", 3, c.Workers(), 40*time.Second)
	time.Sleep(500 * time.Millisecond)
	cl.ExpectEventually(t, "PUT", "/connectors/seq/stop", nil, 204, nil, 30*time.Second)
	cl.WaitStatus(t, "seq", "STOPPED", 0, "", 30*time.Second)
	total, dups, _ := seqReport(t, k, topic, 3)
	t.Logf("zombie episode: %d records, %d duplicates, no number lost", total, dups)
}
