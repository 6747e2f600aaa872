package cluster

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/IBM/sarama"
)

// Kafka Connect's defaults for the worker settings this package honours.
const (
	DefaultSessionTimeout             = 10 * time.Second  // session.timeout.ms
	DefaultHeartbeatInterval          = 3 * time.Second   // heartbeat.interval.ms
	DefaultRebalanceTimeout           = 60 * time.Second  // rebalance.timeout.ms
	DefaultScheduledRebalanceMaxDelay = 300 * time.Second // scheduled.rebalance.max.delay.ms
	DefaultWorkerSyncTimeout          = 3 * time.Second   // worker.sync.timeout.ms
	DefaultWorkerUnsyncBackoff        = 300 * time.Second // worker.unsync.backoff.ms
	DefaultRetryBackoff               = 100 * time.Millisecond
)

// Config configures a [Member]. Start from [DefaultConfig]: every zero
// duration except ScheduledRebalanceMaxDelay is replaced by Kafka's default,
// but a zero ScheduledRebalanceMaxDelay means "no delay".
type Config struct {
	// GroupID is the worker's group.id (required).
	GroupID string
	// URL is the advertised REST URL written into the member metadata and,
	// by the leader, into every assignment.
	URL string
	// Protocol is the most preferred subprotocol (connect.protocol, see
	// [ParseConnectProtocol]); the member offers it and every older one.
	// Empty means ProtocolSessioned.
	Protocol Protocol

	// SessionTimeout, HeartbeatInterval and RebalanceTimeout are
	// session.timeout.ms, heartbeat.interval.ms and rebalance.timeout.ms.
	// A member that has not heard from its coordinator for SessionTimeout
	// less a margin is told to stop its work ([Handler.OnLostCoordinator]),
	// so that it stops before the coordinator can expire it and hand its
	// work on. The margin is HeartbeatInterval, capped at half the gap
	// between HeartbeatInterval and SessionTimeout; keep HeartbeatInterval
	// at most a third of SessionTimeout, as Kafka advises.
	SessionTimeout    time.Duration
	HeartbeatInterval time.Duration
	RebalanceTimeout  time.Duration
	// ScheduledRebalanceMaxDelay is scheduled.rebalance.max.delay.ms, used
	// when this member leads: how long the load of a departed member stays
	// unassigned. 0 reassigns at once.
	ScheduledRebalanceMaxDelay time.Duration
	// WorkerSyncTimeout bounds the catch-up read of the config topic after
	// an assignment (worker.sync.timeout.ms); a member that cannot catch up
	// leaves the group and waits WorkerUnsyncBackoff (worker.unsync.backoff.ms)
	// before rejoining.
	WorkerSyncTimeout   time.Duration
	WorkerUnsyncBackoff time.Duration
	// RetryBackoff is the pause after a failed group request.
	RetryBackoff time.Duration

	// Bootstrap lists the brokers to bootstrap from (required).
	Bootstrap []string
	// Sarama is the client configuration to start from; nil means
	// sarama.NewConfig() with Version V3_9_0_0. The member copies it and
	// raises Net.ReadTimeout on its JoinGroup connection above
	// RebalanceTimeout, because JoinGroup blocks that long on the
	// coordinator.
	Sarama *sarama.Config
	// Logger receives the member's logs; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns a Config with Kafka Connect's defaults for group id
// and bootstrap servers to be filled in.
func DefaultConfig(groupID, url string, bootstrap ...string) Config {
	return Config{
		GroupID:                    groupID,
		URL:                        url,
		Protocol:                   ProtocolSessioned,
		SessionTimeout:             DefaultSessionTimeout,
		HeartbeatInterval:          DefaultHeartbeatInterval,
		RebalanceTimeout:           DefaultRebalanceTimeout,
		ScheduledRebalanceMaxDelay: DefaultScheduledRebalanceMaxDelay,
		WorkerSyncTimeout:          DefaultWorkerSyncTimeout,
		WorkerUnsyncBackoff:        DefaultWorkerUnsyncBackoff,
		RetryBackoff:               DefaultRetryBackoff,
		Bootstrap:                  bootstrap,
	}
}

// normalized fills defaults and validates.
func (c Config) normalized() (Config, error) {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.Protocol == "" {
		c.Protocol = ProtocolSessioned
	}
	def(&c.SessionTimeout, DefaultSessionTimeout)
	def(&c.HeartbeatInterval, DefaultHeartbeatInterval)
	def(&c.RebalanceTimeout, DefaultRebalanceTimeout)
	def(&c.WorkerSyncTimeout, DefaultWorkerSyncTimeout)
	def(&c.WorkerUnsyncBackoff, DefaultWorkerUnsyncBackoff)
	def(&c.RetryBackoff, DefaultRetryBackoff)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.GroupID == "":
		return c, fmt.Errorf("%w: group id is required", ErrConfig)
	case len(c.Bootstrap) == 0:
		return c, fmt.Errorf("%w: bootstrap servers are required", ErrConfig)
	case c.Protocol.Version() < 0:
		return c, fmt.Errorf("%w: unknown protocol %q", ErrConfig, c.Protocol)
	case c.SessionTimeout < 0 || c.HeartbeatInterval < 0 || c.RebalanceTimeout < 0 ||
		c.ScheduledRebalanceMaxDelay < 0 || c.WorkerSyncTimeout < 0 || c.WorkerUnsyncBackoff < 0 || c.RetryBackoff < 0:
		return c, fmt.Errorf("%w: negative duration", ErrConfig)
	case c.HeartbeatInterval >= c.SessionTimeout:
		return c, fmt.Errorf("%w: heartbeat interval %v must be below the session timeout %v", ErrConfig, c.HeartbeatInterval, c.SessionTimeout)
	}
	return c, nil
}

// saramaConfigs returns the configuration for the metadata client and
// heartbeat connection, and the one for the JoinGroup connection.
func (c Config) saramaConfigs() (base, join *sarama.Config) {
	if c.Sarama == nil {
		base = sarama.NewConfig()
		base.Version = sarama.V3_9_0_0
	} else {
		cp := *c.Sarama
		base = &cp
	}
	if base.ClientID == "" || base.ClientID == sarama.NewConfig().ClientID {
		base.ClientID = c.GroupID + "-member"
	}
	jc := *base
	join = &jc
	if min := c.RebalanceTimeout + 10*time.Second; join.Net.ReadTimeout < min {
		join.Net.ReadTimeout = min
	}
	return base, join
}
