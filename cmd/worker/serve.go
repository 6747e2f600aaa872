package main

import (
	"log/slog"
	"net"

	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// restEndpoints are a worker's opened REST listeners (main and admin) with
// the transport security and authentication they serve under. Standalone
// and distributed workers open them the same way.
type restEndpoints struct {
	sec   *restSecurity
	main  []net.Listener
	admin []net.Listener
}

// openREST builds the REST security from the worker keys (rest.auth*,
// listeners.https.*) and opens the listeners. A bad security setting is a
// usage error naming its key; a port in use is a runtime error.
func openREST(wc *runtime.WorkerConfig, main, admin []listener, o restSecurityOptions) (*restEndpoints, error) {
	sec, err := newRESTSecurity(wc, main, admin, o)
	if err != nil {
		return nil, usagef("%v", err)
	}
	e := &restEndpoints{sec: sec}
	if e.main, err = sec.listen("listeners", main, false); err != nil {
		return nil, err
	}
	if e.admin, err = sec.listen("admin.listeners", admin, true); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// apply sets the authentication fields of the REST server options.
func (e *restEndpoints) apply(o *rest.Options) { e.sec.apply(o) }

// firstAddr is the address of the first main listener.
func (e *restEndpoints) firstAddr() net.Addr { return e.main[0].Addr() }

// serve starts srv on every listener; the listeners belong to srv from
// then on. The channel receives each listener's Serve error.
func (e *restEndpoints) serve(srv *rest.Server, logger *slog.Logger, attrs ...any) <-chan error {
	served := make(chan error, len(e.main)+len(e.admin))
	for _, l := range e.main {
		logger.Info("REST server listening", append([]any{"url", listenerURL(l)}, attrs...)...)
		go func() { served <- srv.Serve(l, false) }()
	}
	for _, l := range e.admin {
		logger.Info("REST admin server listening", "url", listenerURL(l))
		go func() { served <- srv.Serve(l, true) }()
	}
	e.main, e.admin = nil, nil
	return served
}

// close closes listeners not yet handed to a server.
func (e *restEndpoints) close() {
	for _, l := range append(e.main, e.admin...) {
		l.Close()
	}
	e.main, e.admin = nil, nil
}
