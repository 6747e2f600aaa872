package tablesource

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// Class is the registered connector class; Version its version.
const (
	Class   = "OneCTableSource"
	Version = "1.0.0"
)

// Connector is OneCTableSource.
type Connector struct {
	props   map[string]string
	objects []string
}

// NewConnector returns an unstarted connector.
func NewConnector() connect.SourceConnector { return &Connector{} }

// Plugin describes OneCTableSource for a plugin registry.
func Plugin() plugins.Plugin {
	return plugins.Plugin{Class: Class, Aliases: []string{"OneCTableSourceConnector"}, Kind: plugins.KindSource,
		Version: Version, Config: ConfigDef, NewSource: NewConnector}
}

func init() { plugins.Register(Plugin()) }

// Version implements connect.Connector.
func (c *Connector) Version() string { return Version }

// Config implements connect.Connector.
func (c *Connector) Config() *config.ConfigDef { return ConfigDef() }

// Validate checks the keys and resolves every object against the metadata.
func (c *Connector) Validate(ctx context.Context, props map[string]string) error {
	_, err := check(ctx, props, slog.Default())
	return err
}

func check(ctx context.Context, props map[string]string, log *slog.Logger) ([]string, error) {
	s, err := parseSettings(props)
	if err != nil {
		return nil, err
	}
	cat, err := common.OpenCatalog(ctx, s.db, log)
	if err != nil {
		return nil, &config.ValidationError{Errors: map[string][]string{common.KeyDatabaseURL: {err.Error()}}}
	}
	defer cat.Close()
	objs, problems := resolveObjects(cat.Snapshot(), s.objects, s.mode)
	if len(problems) > 0 {
		return nil, &config.ValidationError{Errors: map[string][]string{KeyObjects: problems}}
	}
	names := make([]string, len(objs))
	for i, o := range objs {
		names[i] = o.FullNameRU()
	}
	return names, nil
}

// Start validates the configuration against the database.
func (c *Connector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	names, err := check(ctx, props, cctx.Logger())
	if err != nil {
		return fmt.Errorf("%s: %w", Class, err)
	}
	c.props, c.objects = props, names
	return nil
}

// TaskConfigs gives each task a group of objects (round-robin).
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	return common.ObjectTaskConfigs(c.props, c.objects, maxTasks), nil
}

// Stop implements connect.Connector.
func (c *Connector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SourceConnector.
func (c *Connector) NewTask() connect.SourceTask { return &Task{} }
