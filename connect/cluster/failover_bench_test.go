package cluster

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/internal/testkit"
)

// BenchmarkFailover measures the time from a member's silent death (no
// LeaveGroup: Abandon) to the moment the surviving members run all of its
// connectors and tasks, for 3, 10 and 30 members in one process, each with
// its own sarama client and coordinator connections, with
// session.timeout.ms=6000 (kfake's minimum) and
// scheduled.rebalance.max.delay.ms=0, heartbeat.interval.ms 1 s and Kafka's
// default 3 s. The victim is a follower, or the leader (the kfake
// leader-bug path), killed at a random point of the heartbeat cycle (members
// heartbeat in step after a rebalance, so a kill right after a sync would
// always measure the best case). Each iteration then starts a replacement
// and waits for the group to settle, outside the timer. Target: ≤ session
// timeout + 2 s.
//
//	go test -run '^$' -bench Failover -benchtime 3x ./connect/cluster/
//
// Reported: failover-mean-s and failover-max-s (death → all of the
// victim's load running elsewhere) and the target, limit-s.
func BenchmarkFailover(b *testing.B) {
	for _, hb := range []time.Duration{time.Second, 3 * time.Second} {
		for _, n := range []int{3, 10, 30} {
			for _, victim := range []string{"follower", "leader"} {
				b.Run(fmt.Sprintf("hb=%v/members=%d/victim=%s", hb, n, victim), func(b *testing.B) {
					benchFailover(b, n, hb, victim == "leader")
				})
			}
		}
	}
}

func benchFailover(b *testing.B, n int, hb time.Duration, killLeader bool) {
	const session = 6 * time.Second
	k := testkit.Kafka(b)
	g := newTestGroup(b, k, configFor(7, 2*n, 2), func(c *Config) {
		c.SessionTimeout = session
		c.HeartbeatInterval = hb
		c.ScheduledRebalanceMaxDelay = 0
		c.RebalanceTimeout = 60 * time.Second
	})
	for i := range n {
		g.start(fmt.Sprintf("w%02d", i))
	}
	g.waitConverged(120 * time.Second)
	var worst, total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		time.Sleep(rand.N(hb))
		b.StartTimer()
		var victim *testMember
		for _, tm := range g.live() {
			if tm.m.IsLeader() == killLeader {
				victim = tm
				break
			}
		}
		held, _, _ := victim.rec.snapshot()
		start := time.Now()
		g.kill(victim)
		g.waitCovered(held, 60*time.Second)
		took := time.Since(start)
		worst, total = max(worst, took), total+took
		b.StopTimer()
		g.start(fmt.Sprintf("r%02d", i))
		g.waitConverged(120 * time.Second)
		b.StartTimer()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "failover-mean-s")
	b.ReportMetric(worst.Seconds(), "failover-max-s")
	b.ReportMetric((session + 2*time.Second).Seconds(), "limit-s")
}
