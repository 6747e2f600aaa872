package herder

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
)

// Options are a Standalone herder's collaborators.
type Options struct {
	// Worker runs the connectors and tasks; required.
	Worker *runtime.Worker
	// Configs stores connector and task configs and target states (a new
	// storage.MemoryConfigStore when nil).
	Configs storage.ConfigStore
	// Statuses stores statuses (a new storage.MemoryStatusStore when nil).
	// Pass the same store as the Worker's Options.Statuses.
	Statuses storage.StatusStore
	// Resolver resolves ${provider:...} references during validation (none
	// when nil). Use the Worker's resolver.
	Resolver *config.Resolver
	// Logger is the base logger (slog.Default when nil).
	Logger *slog.Logger
	// Version and Commit are reported by GET /.
	Version, Commit string
	// ClusterID is reported by GET /; when empty, Start looks it up from
	// the Kafka cluster.
	ClusterID string
	// HealthTimeout bounds GET /health (10 s when zero).
	HealthTimeout time.Duration
}

// Standalone is the herder of standalone mode (Kafka's StandaloneHerder):
// one worker runs everything, configs and statuses live in memory, and
// nothing is ever forwarded. Write operations are serialised by one
// herder lock that honours request contexts; status reads do not take it.
type Standalone struct {
	w        *runtime.Worker
	configs  storage.ConfigStore
	statuses storage.StatusStore
	resolver *config.Resolver
	plugins  *plugins.Registry
	log      *slog.Logger
	version  string
	commit   string
	healthTO time.Duration

	clusterID atomic.Pointer[string]
	started   atomic.Bool

	herderLock // the herder lock and what its holder does

	// listeners of the running connector and task instances; an instance's
	// listener is invalidated when the instance is stopped so late events
	// cannot overwrite a newer status.
	lmu       sync.Mutex
	connLis   map[string]*connListener
	taskLis   map[connect.TaskID]*taskListener
	bgCtx     context.Context
	bgCancel  context.CancelFunc
	bg        sync.WaitGroup
	reconfigs map[string]bool // connectors with a pending reconfiguration
}

var _ Herder = (*Standalone)(nil)

// NewStandalone returns a herder; call Start before serving requests.
func NewStandalone(opts Options) (*Standalone, error) {
	if opts.Worker == nil {
		return nil, errors.New("new standalone herder: Options.Worker is required")
	}
	if opts.Configs == nil {
		opts.Configs = storage.NewMemoryConfigStore()
	}
	if opts.Statuses == nil {
		opts.Statuses = storage.NewMemoryStatusStore()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HealthTimeout <= 0 {
		opts.HealthTimeout = 10 * time.Second
	}
	h := &Standalone{
		w: opts.Worker, configs: opts.Configs, statuses: opts.Statuses, resolver: opts.Resolver,
		plugins: opts.Worker.Plugins(), log: opts.Logger, version: opts.Version, commit: opts.Commit,
		healthTO: opts.HealthTimeout,
		connLis:  map[string]*connListener{}, taskLis: map[connect.TaskID]*taskListener{},
		reconfigs: map[string]bool{},
	}
	h.herderLock.init()
	h.bgCtx, h.bgCancel = context.WithCancel(context.Background())
	if opts.ClusterID != "" {
		id := opts.ClusterID
		h.clusterID.Store(&id)
	}
	return h, nil
}

// Start starts the stores, looks up the Kafka cluster id (unless given) and
// starts the connectors the config store already holds. An unreachable
// Kafka cluster is an error.
func (h *Standalone) Start(ctx context.Context) error {
	if err := h.statuses.Start(ctx); err != nil {
		return fmt.Errorf("start status store: %w", err)
	}
	if err := h.configs.Start(ctx); err != nil {
		return fmt.Errorf("start config store: %w", err)
	}
	if h.clusterID.Load() == nil {
		id, err := lookupClusterID(ctx, h.w.Config())
		if err != nil {
			return fmt.Errorf("look up Kafka cluster id: %w", err)
		}
		h.clusterID.Store(&id)
	}
	release, err := h.acquire(ctx, "starting the herder")
	if err != nil {
		return err
	}
	defer release()
	for _, name := range h.configs.Snapshot().ConnectorNames() {
		if err := h.startConnector(ctx, name); err != nil {
			h.log.Warn("connector did not start", "connector", name, "err", err)
		}
	}
	h.started.Store(true)
	h.log.Info("standalone herder started", "worker", h.w.ID())
	return nil
}

// Stop stops every task and connector (within ctx) and the stores.
func (h *Standalone) Stop(ctx context.Context) error {
	h.bgCancel()
	h.bg.Wait()
	release, err := h.acquire(ctx, "stopping the herder")
	if err != nil {
		return err
	}
	defer release()
	h.started.Store(false)
	h.w.Stop(ctx)
	var errs []error
	if err := h.configs.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop config store: %w", err))
	}
	if err := h.statuses.Stop(ctx); err != nil {
		errs = append(errs, fmt.Errorf("stop status store: %w", err))
	}
	h.log.Info("standalone herder stopped")
	return errors.Join(errs...)
}

// ServerInfo implements Herder.
func (h *Standalone) ServerInfo(ctx context.Context) ServerInfo {
	info := ServerInfo{Version: h.version, Commit: h.commit}
	if id := h.clusterID.Load(); id != nil {
		info.KafkaClusterID = *id
	}
	return info
}

// Health implements Herder: healthy when the herder lock can be taken
// within the health timeout.
func (h *Standalone) Health(ctx context.Context) WorkerStatus {
	if !h.started.Load() {
		return WorkerStatus{Status: HealthStarting, Message: "Worker is still starting up."}
	}
	ctx, cancel := context.WithTimeout(ctx, h.healthTO)
	defer cancel()
	release, err := h.acquire(ctx, "answering a health check")
	if err != nil {
		msg := "Worker was unable to handle this request and may be unable to handle other requests."
		if s := h.stage.Load(); s != nil {
			msg += fmt.Sprintf(" The worker is currently %s, which began at %s", s.what, s.since.UTC().Format(time.RFC3339Nano))
		}
		return WorkerStatus{Status: HealthUnhealthy, Message: msg}
	}
	release()
	return WorkerStatus{Status: HealthHealthy, Message: "Worker has completed startup and is ready to handle requests."}
}

// TopicTracking implements Herder.
func (h *Standalone) TopicTracking() (enabled, allowReset bool) {
	v := h.w.Config().Values
	return v.Bool(runtime.KeyTopicTrackingEnable), v.Bool(runtime.KeyTopicTrackingAllowReset)
}

// Worker returns the worker the herder drives.
func (h *Standalone) Worker() *runtime.Worker { return h.w }
