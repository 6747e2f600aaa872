package runtime

import (
	"context"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// redactedError is an error whose message went through a redactor. Unwrap
// keeps the original for errors.Is/As; the message never shows a secret.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err with its message redacted.
func (r *redactor) redactErr(err error) error {
	if err == nil || r == nil {
		return err
	}
	msg := r.apply(err.Error())
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// configRedactor builds the redactor of a connector or task from its
// configurations as given, before or without parsing them: the worker's
// secrets, the keys the connector's plugin declares as passwords, keys whose
// name looks secret, and the values config providers resolve them to (a
// ${file:…} password must not appear resolved in a trace either).
func (w *Worker) configRedactor(props ...map[string]string) *redactor {
	defs := []*config.ConfigDef{WorkerConfigDef()}
	all := []map[string]string{w.cfg.resolved()}
	var connDef *config.ConfigDef
	if len(props) > 0 && props[0] != nil {
		if p, err := w.plugins.LookupConnector(props[0][connect.KeyConnectorClass]); err == nil {
			if d, err := ConnectorConfigDef(p); err == nil {
				connDef = d
			}
		}
	}
	for _, p := range props {
		if p == nil {
			continue
		}
		defs, all = append(defs, connDef), append(all, p)
		if w.resolver != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if resolved, err := w.resolver.Resolve(ctx, p); err == nil {
				defs, all = append(defs, connDef), append(all, resolved)
			}
			cancel()
		}
	}
	return newRedactor(defs, all)
}

// redactingConnectorListener redacts failures before they reach statuses.
type redactingConnectorListener struct {
	ConnectorStatusListener
	r *redactor
}

// OnFailure reports the failure with secrets replaced by [hidden].
func (l redactingConnectorListener) OnFailure(connector string, err error, trace string) {
	l.ConnectorStatusListener.OnFailure(connector, l.r.redactErr(err), l.r.apply(trace))
}

// redactingTaskListener redacts failures before they reach statuses.
type redactingTaskListener struct {
	TaskStatusListener
	r *redactor
}

// OnFailure reports the failure with secrets replaced by [hidden].
func (l redactingTaskListener) OnFailure(id connect.TaskID, err error, trace string) {
	l.TaskStatusListener.OnFailure(id, l.r.redactErr(err), l.r.apply(trace))
}
