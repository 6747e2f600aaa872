package changessource

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Class is the registered connector class; Version its version.
const (
	Class   = "OneCChangesSource"
	Version = "1.0.0"
)

// Connector is OneCChangesSource: it validates the configuration against
// the infobase's metadata and splits the objects into task groups.
type Connector struct {
	props   map[string]string
	objects []string // resolved full names (Russian), in plan order
	log     *slog.Logger
	// offsetTimeout bounds AlterExternalOffsets' metadata read; 0 means
	// offsetCheckTimeout.
	offsetTimeout time.Duration
}

// NewConnector returns an unstarted connector.
func NewConnector() connect.SourceConnector { return &Connector{} }

// Version implements connect.Connector.
func (c *Connector) Version() string { return Version }

// Config implements connect.Connector.
func (c *Connector) Config() *config.ConfigDef { return ConfigDef() }

// Validate checks the keys, then connects and resolves exchange.plan, node
// and objects against the metadata, listing every problem by key.
func (c *Connector) Validate(ctx context.Context, props map[string]string) error {
	_, err := c.check(ctx, props)
	return err
}

// check validates props and returns the resolved object names.
func (c *Connector) check(ctx context.Context, props map[string]string) ([]string, error) {
	s, err := parseSettings(props)
	if err != nil {
		return nil, err
	}
	log := c.log
	if log == nil {
		log = slog.Default()
	}
	cat, err := common.OpenCatalog(ctx, s.db, log)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{common.KeyDatabaseURL: {err.Error()}}}
	}
	defer cat.Close()
	ib := cat.Snapshot()
	plan, objs, problems := planObjects(ib, s.plan, s.objects)
	if plan != nil {
		db, err := common.Open(ctx, s.db, common.OpenOptions{MaxConns: 1})
		if err != nil {
			problems[common.KeyDatabaseURL] = append(problems[common.KeyDatabaseURL], err.Error())
		} else {
			if _, err := lookupNode(ctx, db, plan, s.node); err != nil {
				problems[KeyNode] = append(problems[KeyNode], err.Error())
			}
			db.Close()
		}
	}
	if len(problems) > 0 {
		return nil, &config.ValidationError{Errors: problems}
	}
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = o.FullNameRU()
	}
	return names, nil
}

// Start validates the configuration (the database must answer) and
// remembers the objects to split.
func (c *Connector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	c.log = cctx.Logger()
	names, err := c.check(ctx, props)
	if err != nil {
		return fmt.Errorf("%s: %w", Class, err)
	}
	c.props, c.objects = props, names
	c.log.Info("changes source configured", "exchange.plan", props[KeyExchangePlan], "node", props[KeyNode], "objects", len(names))
	return nil
}

// TaskConfigs gives each task one group of objects (round-robin), at most
// one task per object.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return common.ObjectTaskConfigs(c.props, c.objects, maxTasks), nil
}

// Stop implements connect.Connector.
func (c *Connector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SourceConnector.
func (c *Connector) NewTask() connect.SourceTask { return &Task{} }
