package httpsink

import (
	"context"
	"maps"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// Connector is OneCHTTPSink's connector part: it validates the
// configuration and gives every task the same settings (tasks share the
// topics' partitions through the consumer group).
type Connector struct {
	props map[string]string
}

// NewConnector returns an unstarted connector.
func NewConnector() connect.SinkConnector { return &Connector{} }

// Version implements connect.Connector.
func (c *Connector) Version() string { return Version }

// Config implements connect.Connector.
func (c *Connector) Config() *config.ConfigDef { return ConfigDef() }

// Validate implements connect.Connector: the keys' own checks plus the
// address template (scheme, host, placeholders, no credentials), the
// authentication pair, TLS files, the body converter and the reply topic.
func (c *Connector) Validate(ctx context.Context, props map[string]string) error {
	return validate(ctx, props)
}

// Start implements connect.Connector.
func (c *Connector) Start(ctx context.Context, cctx connect.ConnectorContext, props map[string]string) error {
	if err := validate(ctx, props); err != nil {
		return err
	}
	c.props = taskProps(props)
	return nil
}

// taskProps keeps what tasks need: the sink's keys, the topics (reply loop
// check) and errors.retry.timeout (retry budget default).
func taskProps(props map[string]string) map[string]string {
	out := own(props)
	for _, k := range []string{connect.KeyTopics, connect.KeyErrorsRetryTimeout, connect.KeyDLQTopicName} {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out
}

// TaskConfigs implements connect.Connector: maxTasks identical configs.
func (c *Connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, maxTasks)
	for i := range out {
		out[i] = maps.Clone(c.props)
	}
	return out, nil
}

// Stop implements connect.Connector.
func (c *Connector) Stop(ctx context.Context) error { return nil }

// NewTask implements connect.SinkConnector.
func (c *Connector) NewTask() connect.SinkTask { return NewTask() }
