package herder_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

// BenchmarkDistributedFailover measures the time from a worker's death
// (Kill: no LeaveGroup, heartbeats stop, sockets closed) to the moment all
// of its tasks are RUNNING on other workers, as the status topic shows it,
// for 3, 10 and 30 workers in one process on a 3-broker kfake, with
// session.timeout.ms=6000 (kfake's minimum), scheduled.rebalance.max.delay.ms=0
// and heartbeat.interval.ms 1 s and Kafka's default 3 s. Each worker runs
// two tasks. The victim is picked at random and killed at a random point of
// the heartbeat cycle; a replacement joins outside the timer. Target: ≤
// session timeout + 2 s.
//
//	go test -run '^$' -bench DistributedFailover -benchtime 3x ./connect/herder/
//
// Reported: failover-mean-s, failover-max-s and the target, limit-s.
func BenchmarkDistributedFailover(b *testing.B) {
	for _, hb := range []time.Duration{time.Second, 3 * time.Second} {
		for _, n := range []int{3, 10, 30} {
			b.Run(fmt.Sprintf("hb=%v/workers=%d", hb, n), func(b *testing.B) { benchDistributedFailover(b, n, hb) })
		}
	}
}

func benchDistributedFailover(b *testing.B, n int, hb time.Duration) {
	const session = 6 * time.Second
	k := testkit.Kafka(b, testkit.Brokers(3))
	c := connecttest.StartCluster(b, connecttest.ClusterOptions{Kafka: k, Plugins: seqPlugins(&startCounter{m: map[string]int{}}),
		Workers: n, WorkerProps: map[string]string{"heartbeat.interval.ms": fmt.Sprint(hb.Milliseconds()), "session.timeout.ms": "6000",
			"scheduled.rebalance.max.delay.ms": "0", "rebalance.timeout.ms": "60000"}})
	tasks := 2 * n
	w0 := c.Workers()[0]
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, _, err := w0.Herder.PutConnectorConfig(ctx, "load", map[string]string{"connector.class": "SeqSource", "tasks.max": fmt.Sprint(tasks)}, false, "")
		if err == nil {
			break
		}
		if l := c.Leader(); l != nil {
			if _, _, err = l.Herder.PutConnectorConfig(ctx, "load", map[string]string{"connector.class": "SeqSource", "tasks.max": fmt.Sprint(tasks)}, false, ""); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("create connector: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	waitAllRunning(b, c, tasks, nil, 120*time.Second)
	var worst, total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c.WaitStable(b, 120*time.Second)
		time.Sleep(rand.N(hb))
		live := c.Workers()
		victim := live[rand.N(len(live))]
		held := victim.Herder.Running().Tasks
		b.StartTimer()
		start := time.Now()
		victim.Kill(b)
		waitAllRunning(b, c, tasks, held, 60*time.Second)
		took := time.Since(start)
		worst, total = max(worst, took), total+took
		b.StopTimer()
		b.Logf("workers=%d hb=%v: victim %s (leader %v) held %d tasks; all RUNNING elsewhere after %v",
			n, hb, victim.Name, victim.Herder.Member().IsLeader(), len(held), took.Round(time.Millisecond))
		c.AddWorker(b)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "failover-mean-s")
	b.ReportMetric(worst.Seconds(), "failover-max-s")
	b.ReportMetric((session + 2*time.Second).Seconds(), "limit-s")
}

// waitAllRunning waits until the status topic, as a live worker reads it,
// shows every one of the connector's tasks RUNNING on a live worker, and
// (when held is given) none of held on a dead one.
func waitAllRunning(b testing.TB, c *connecttest.Cluster, tasks int, held []connect.TaskID, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		live := c.Workers()
		ids := workerIDs(live)
		st, err := live[0].Herder.ConnectorStatus(context.Background(), "load")
		ok := err == nil && len(st.Tasks) == tasks
		if ok {
			for _, ts := range st.Tasks {
				ok = ok && ts.State == "RUNNING" && ids[ts.WorkerID]
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("tasks not all RUNNING on live workers within %v: %+v (err %v)", timeout, st, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
