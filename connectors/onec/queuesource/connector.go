package queuesource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// Version of the connector.
const Version = "1.0.0"

// Connector is OneCQueueSource. It validates the configuration against the
// 1C metadata, splits the work over tasks by split.field values, and
// watches the configuration: a removed register fails the connector.
type Connector struct {
	cfg   *Config
	props map[string]string
	cctx  connect.ConnectorContext
	log   *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// NewConnector returns an unstarted connector.
func NewConnector() connect.SourceConnector { return &Connector{} }

// Version implements connect.Connector.
func (c *Connector) Version() string { return Version }

// Config implements connect.Connector.
func (c *Connector) Config() *config.ConfigDef { return ConfigDef() }

// Validate parses the configuration, reads the infobase metadata (ctx
// bounds the connection) and resolves every configured name. The result is
// a *config.ValidationError listing every wrong key, with close matches for
// unknown names.
func (c *Connector) Validate(ctx context.Context, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	cat, err := resolveOnline(ctx, cfg, slog.New(slog.DiscardHandler))
	if cat != nil {
		_ = cat.Close()
	}
	return err
}

// resolveOnline reads the metadata and resolves cfg against it. A database
// that cannot be reached is reported against database.url. On success the
// catalog stays open for the caller to use and close.
func resolveOnline(ctx context.Context, cfg *Config, log *slog.Logger) (*common.Catalog, error) {
	d, err := dialect.For(cfg.DB.Scheme)
	if err != nil {
		return nil, err
	}
	cat, err := common.OpenCatalog(ctx, cfg.DB, log)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{
			common.KeyDatabaseURL: {fmt.Sprintf("cannot read the 1C metadata: %v", err)}}}
	}
	if _, err := resolve(cat.Snapshot(), d, cfg); err != nil {
		_ = cat.Close()
		return nil, err
	}
	return cat, nil
}

// Start checks the configuration and, when the database answers, the
// names against the metadata; a database that is down only logs a warning
// (tasks retry under errors.retry.timeout). It then watches the 1C
// configuration every metadata.refresh.interval.ms.
func (c *Connector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	c.cfg, c.cctx, c.log = cfg, cctx, cctx.Logger().With("register", cfg.Register)
	c.props = make(map[string]string)
	def := ConfigDef()
	for k, v := range ownProps(def, props) {
		c.props[k] = v
	}
	for _, k := range common.RetryKeys {
		if v, ok := props[k]; ok {
			c.props[k] = v
		}
	}
	if _, err := common.ParseRetryPolicy(props); err != nil {
		return err
	}
	cat, err := resolveOnline(ctx, cfg, c.log)
	if err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) && len(ve.Errors[common.KeyDatabaseURL]) == 0 {
			return err
		}
		c.log.Warn("1C database not reachable at start; tasks will retry", "err", err)
	}
	if cfg.DB.RefreshInterval <= 0 {
		if cat != nil {
			_ = cat.Close()
		}
		return nil
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c.cancel = cancel
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		c.watch(wctx, cat)
	}()
	return nil
}

// watch follows configuration changes on cat (the catalog Start loaded;
// nil: it opens one) and closes it when ctx ends; a removed register fails
// the connector through RaiseError (its tasks fail on their own reload).
func (c *Connector) watch(ctx context.Context, cat *common.Catalog) {
	if cat == nil {
		var err error
		if cat, err = common.OpenCatalog(ctx, c.cfg.DB, c.log); err != nil {
			if ctx.Err() == nil {
				c.log.Warn("metadata watch not started; tasks still reload metadata themselves", "err", err)
			}
			return
		}
	}
	defer cat.Close()
	d, err := dialect.For(c.cfg.DB.Scheme)
	if err != nil {
		return
	}
	cat.Watch(ctx, func(ib *metadata.Infobase) {
		if _, err := resolve(ib, d, c.cfg); err != nil {
			var ve *config.ValidationError
			if errors.As(err, &ve) && len(ve.Errors[KeyRegister]) > 0 {
				c.cctx.RaiseError(fmt.Errorf("%s: %w after a 1C configuration change: %s", c.cfg.Register, ErrRegisterRemoved,
					strings.Join(ve.Errors[KeyRegister], "; ")))
				return
			}
			c.cctx.RaiseError(fmt.Errorf("%s: the configuration no longer matches the 1C metadata: %w", c.cfg.Register, err))
			return
		}
		c.log.Info("1C configuration changed; metadata reloaded")
	}, func(err error) { c.log.Warn("metadata refresh failed", "err", err) })
}

// TaskConfigs returns one task without split.field; with it, up to
// maxTasks tasks, the split values dealt round robin.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	if c.props == nil {
		return nil, errors.New("connector not started")
	}
	if c.cfg.SplitField == "" || maxTasks <= 1 {
		return []map[string]string{clone(c.props)}, nil
	}
	n := min(maxTasks, len(c.cfg.SplitValues))
	groups := make([][]string, n)
	for i, v := range c.cfg.SplitValues {
		groups[i%n] = append(groups[i%n], v)
	}
	out := make([]map[string]string, n)
	for i, g := range groups {
		m := clone(c.props)
		m[KeySplitValues] = strings.Join(g, ",")
		out[i] = m
	}
	return out, nil
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Stop ends the metadata watch.
func (c *Connector) Stop(ctx context.Context) error {
	if c.cancel != nil {
		c.cancel()
		c.wg.Wait()
	}
	return nil
}

// NewTask implements connect.SourceConnector.
func (c *Connector) NewTask() connect.SourceTask { return &Task{} }
