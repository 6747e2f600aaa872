package cluster

import "errors"

// Sentinel errors of the package. Wrapped errors carry context; test with
// errors.Is.
var (
	// ErrMalformed reports a metadata or assignment blob that cannot be
	// decoded: truncated, negative lengths, a version below 0.
	ErrMalformed = errors.New("cluster: malformed connect protocol data")

	// ErrConfig reports an invalid [Config].
	ErrConfig = errors.New("cluster: invalid config")

	// ErrFatalGroup reports a coordinator answer the member cannot recover
	// from by rejoining (inconsistent group protocol, invalid session
	// timeout, authorisation failure, group full). [Member.Run] returns it.
	ErrFatalGroup = errors.New("cluster: fatal group error")

	// ErrAlreadyRunning is returned by a second concurrent [Member.Run].
	ErrAlreadyRunning = errors.New("cluster: member already running")
)
