package runtime

import "github.com/onecconnect/onecconnect/connect"

// TargetState is connect.TargetState, re-exported for the herder.
type TargetState = connect.TargetState

// Target states.
const (
	TargetStarted = connect.TargetStarted
	TargetPaused  = connect.TargetPaused
	TargetStopped = connect.TargetStopped
)

// ConnectorStatusListener hears about a connector's state changes, in order.
// Callbacks come from the connector's goroutine or the caller of Worker
// methods; they must be quick and must not call back into the Worker
// synchronously.
type ConnectorStatusListener interface {
	// OnStartup: the connector started and runs (RUNNING).
	OnStartup(connector string)
	// OnPause: the connector is paused (PAUSED).
	OnPause(connector string)
	// OnResume: the connector resumed (RUNNING).
	OnResume(connector string)
	// OnStop: the connector was stopped by target state STOPPED (STOPPED).
	OnStop(connector string)
	// OnFailure: the connector failed (FAILED); trace is the error chain and
	// the stack trace of a panic, for the status trace field.
	OnFailure(connector string, err error, trace string)
	// OnShutdown: the connector was shut down (UNASSIGNED).
	OnShutdown(connector string)
}

// TaskStatusListener hears about a task's state changes, in order, with the
// same rules as ConnectorStatusListener.
type TaskStatusListener interface {
	OnStartup(id connect.TaskID)
	OnPause(id connect.TaskID)
	OnResume(id connect.TaskID)
	OnFailure(id connect.TaskID, err error, trace string)
	OnShutdown(id connect.TaskID)
}

// ConnectorHooks are the herder's side of a connector's ConnectorContext.
// Either func may be nil. They are called from the connector's goroutines
// and must not block.
type ConnectorHooks struct {
	// RequestTaskReconfiguration asks the herder to regenerate task configs.
	RequestTaskReconfiguration func(connector string)
	// RaiseError is told about an error the connector raised; the worker
	// has already reported the failure through the status listener.
	RaiseError func(connector string, err error)
}

// NopConnectorListener ignores every event.
type NopConnectorListener struct{}

func (NopConnectorListener) OnStartup(string)                {}
func (NopConnectorListener) OnPause(string)                  {}
func (NopConnectorListener) OnResume(string)                 {}
func (NopConnectorListener) OnStop(string)                   {}
func (NopConnectorListener) OnFailure(string, error, string) {}
func (NopConnectorListener) OnShutdown(string)               {}

// NopTaskListener ignores every event.
type NopTaskListener struct{}

func (NopTaskListener) OnStartup(connect.TaskID)                {}
func (NopTaskListener) OnPause(connect.TaskID)                  {}
func (NopTaskListener) OnResume(connect.TaskID)                 {}
func (NopTaskListener) OnFailure(connect.TaskID, error, string) {}
func (NopTaskListener) OnShutdown(connect.TaskID)               {}
