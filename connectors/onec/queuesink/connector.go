package queuesink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
)

// Connector is OneCQueueSink. It validates the configuration against the
// 1C metadata and hands every task the same configuration: the consumer
// group spreads the topics' partitions over the tasks.
type Connector struct {
	props map[string]string
	log   *slog.Logger
	// newTask makes tasks (tests install hooks through it).
	newTask func() *Task
}

// NewConnector returns an unstarted connector.
func NewConnector() connect.SinkConnector { return &Connector{} }

// Version implements connect.Connector.
func (c *Connector) Version() string { return Version }

// Config implements connect.Connector.
func (c *Connector) Config() *config.ConfigDef { return ConfigDef() }

// Validate parses the configuration, reads the infobase metadata (ctx
// bounds the connection) and resolves every configured field name. The
// result is a *config.ValidationError listing every wrong key, with close
// matches for unknown names.
func (c *Connector) Validate(ctx context.Context, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	if name, ok := props[connect.KeyName]; ok {
		if err := checkConnectorName(name); err != nil {
			return &config.ValidationError{Errors: map[string][]string{connect.KeyName: {err.Error()}}}
		}
	}
	_, err = resolveOnline(ctx, cfg, slog.New(slog.DiscardHandler))
	return err
}

// resolveOnline reads the metadata once and resolves cfg against it. A
// database that cannot be reached is reported against database.url.
func resolveOnline(ctx context.Context, cfg *Config, log *slog.Logger) (*plan, error) {
	cat, err := common.OpenCatalog(ctx, cfg.DB, log)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{
			common.KeyDatabaseURL: {fmt.Sprintf("cannot read the 1C metadata: %v", err)}}}
	}
	defer cat.Close()
	d, err := dialect.For(cfg.DB.Scheme)
	if err != nil {
		return nil, err
	}
	return resolve(cat.Snapshot(), d, cfg)
}

// Start checks the configuration and, when the database answers, the
// names against the metadata; a database that is down only logs a warning
// (tasks retry under errors.retry.timeout).
func (c *Connector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	c.log = cctx.Logger().With("register", cfg.Register)
	if _, err := common.ParseRetryPolicy(props); err != nil {
		return err
	}
	def := ConfigDef()
	c.props = ownProps(def, props)
	for _, k := range common.RetryKeys {
		if v, ok := props[k]; ok {
			c.props[k] = v
		}
	}
	if _, err := resolveOnline(ctx, cfg, c.log); err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) && len(ve.Errors[common.KeyDatabaseURL]) == 0 {
			return err
		}
		c.log.Warn("1C database not reachable at start; tasks will retry", "err", err)
	}
	return nil
}

// TaskConfigs returns maxTasks identical configurations: partitions are
// the unit of parallelism, assigned by the consumer group.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	if c.props == nil {
		return nil, errors.New("connector not started")
	}
	out := make([]map[string]string, max(maxTasks, 1))
	for i := range out {
		m := make(map[string]string, len(c.props))
		for k, v := range c.props {
			m[k] = v
		}
		out[i] = m
	}
	return out, nil
}

// Stop implements connect.Connector; the connector holds nothing.
func (c *Connector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SinkConnector.
func (c *Connector) NewTask() connect.SinkTask {
	if c.newTask != nil {
		return c.newTask()
	}
	return &Task{}
}

// AlterOffsets implements connect.OffsetAlterer (KIP-875): the offsets
// table is the source of truth for this connector, so an offset reset or
// change through the REST API is applied there (the runtime changes the
// consumer group's offsets). A reset deletes the stored offset; an
// alteration stores the given next offset.
func (c *Connector) AlterOffsets(ctx context.Context, props map[string]string, offsets []connect.OffsetEntry) error {
	cfg, err := ParseConfig(props)
	if err != nil {
		return err
	}
	name := props[connect.KeyName]
	if err := checkConnectorName(name); err != nil {
		return err
	}
	db, err := common.Open(ctx, cfg.DB, common.OpenOptions{AppName: "onec-connect " + name + " offsets", MaxConns: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := offsetStatements(db.Dialect())
	if err != nil {
		return err
	}
	if err := ensureObjects(ctx, db, s, ""); err != nil {
		return err
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	q := tx.Querier()
	for _, e := range offsets {
		topic, _ := e.Partition["kafka_topic"].(string)
		part, perr := wholeNumber(e.Partition["kafka_partition"])
		if topic == "" || perr != nil {
			return fmt.Errorf("offset entry %v: want a partition {\"kafka_topic\": …, \"kafka_partition\": …}", e.Partition)
		}
		if _, err := q.Exec(ctx, s.remove, name, topic, part); err != nil {
			return fmt.Errorf("reset offset of %s-%d: %w", topic, part, err)
		}
		if e.Offset == nil {
			continue
		}
		off, err := wholeNumber(e.Offset["kafka_offset"])
		if err != nil || off < 0 {
			return fmt.Errorf("offset entry %v: want {\"kafka_offset\": a non-negative whole number}", e.Offset)
		}
		if _, err := q.Exec(ctx, s.insert, name, topic, part, off); err != nil {
			return fmt.Errorf("store offset of %s-%d: %w", topic, part, err)
		}
	}
	return tx.Commit(ctx)
}

// wholeNumber reads a JSON number (float64, json.Number, integers).
func wholeNumber(v any) (int64, error) {
	switch x := v.(type) {
	case float64:
		if x != float64(int64(x)) {
			return 0, fmt.Errorf("%v is not whole", x)
		}
		return int64(x), nil
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case string:
		return strconv.ParseInt(x, 10, 64)
	case fmt.Stringer:
		return strconv.ParseInt(x.String(), 10, 64)
	}
	return 0, fmt.Errorf("%v (%T) is not a number", v, v)
}
