//go:build windows

package winsvc

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
)

// Event ids written to the event log.
const (
	eventStarted uint32 = 1
	eventStopped uint32 = 2
	eventFailed  uint32 = 3
)

// maxLogSize is the size past which the log file is rotated when the
// service starts: NAME.log becomes NAME.log.1 (replacing an older one).
const maxLogSize = 64 << 20

// stopTick is how often StopPending is reported while the worker stops.
const stopTick = 2 * time.Second

// runService is the run action. Under the SCM it serves the service; in an
// interactive session (someone typed the service's command line) it runs
// the worker in the foreground with the log on stderr and in the log file,
// stopped by ctx (Ctrl-C).
func runService(ctx context.Context, o *options, run RunFunc, stdout, stderr io.Writer) int {
	isService, err := svc.IsWindowsService()
	if err != nil {
		fmt.Fprintf(stderr, "worker service run: detect the service control manager: %v\n", err)
		return exitFailure
	}
	if o.logFile == "" {
		o.logFile = defaultLogFile(os.Getenv("ProgramData"), o.name)
	}
	logf, err := openLog(o.logFile, maxLogSize)
	if err != nil {
		fmt.Fprintf(stderr, "worker service run: %v\n", err)
		return exitFailure
	}
	defer logf.Close()
	if !isService {
		out := io.MultiWriter(stderr, logf)
		return run(ctx, workerArgs(o), out, out)
	}
	elog, err := eventlog.Open(o.name)
	if err != nil {
		fmt.Fprintf(logf, "worker service: open event log source %s: %v (events go to this file only)\n", o.name, err)
		elog = nil
	} else {
		defer elog.Close()
	}
	h := &handler{ctx: ctx, o: o, run: run, log: logf, events: eventSink{elog: elog, file: logf}}
	if err := svc.Run(o.name, h); err != nil {
		fmt.Fprintf(logf, "worker service: %v\n", err)
		h.events.errorf("service %s failed: %v", o.name, err)
		return exitFailure
	}
	return h.code
}

// eventSink writes lifecycle events to the event log (when open) and the
// log file.
type eventSink struct {
	elog *eventlog.Log
	file io.Writer
}

func (e eventSink) write(id uint32, kind string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	fmt.Fprintf(e.file, "%s worker service %s: %s\n", time.Now().UTC().Format(time.RFC3339), kind, msg)
	if e.elog == nil {
		return
	}
	switch kind {
	case "error":
		_ = e.elog.Error(id, msg)
	case "warning":
		_ = e.elog.Warning(id, msg)
	default:
		_ = e.elog.Info(id, msg)
	}
}

func (e eventSink) infof(id uint32, format string, args ...any) {
	e.write(id, "info", format, args...)
}

func (e eventSink) errorf(format string, args ...any) {
	e.write(eventFailed, "error", format, args...)
}

func (e eventSink) warnf(format string, args ...any) {
	e.write(eventFailed, "warning", format, args...)
}

// handler is the svc.Handler: it runs the worker through a supervisor and
// maps Stop and Shutdown to context cancellation with the stop timeout.
type handler struct {
	ctx    context.Context
	o      *options
	run    RunFunc
	log    io.Writer
	events eventSink
	code   int // the process exit code after svc.Run returns
}

// Execute implements svc.Handler. Returning (true, n) reports a
// service-specific failure code n, which triggers the recovery actions.
func (h *handler) Execute(_ []string, requests <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	sup := startSupervisor(h.ctx, h.run, workerArgs(h.o), h.log, h.o.stopTimeout)
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	h.events.infof(eventStarted, "service %s started: worker %s %s (log file %s)", h.o.name, h.o.mode, h.o.config, h.o.logFile)
	for {
		select {
		case code := <-sup.exited():
			if code == exitOK {
				h.events.infof(eventStopped, "service %s: the worker stopped", h.o.name)
				return false, 0
			}
			h.code = exitFailure
			h.events.errorf("service %s: the worker exited with code %d; see %s", h.o.name, code, h.o.logFile)
			return true, uint32(code)
		case c := <-requests:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				code, ok := sup.stop(stopTick, func(cp uint32, hint time.Duration) {
					status <- svc.Status{State: svc.StopPending, CheckPoint: cp, WaitHint: uint32(hint / time.Millisecond)}
				})
				if !ok {
					// A requested stop is not a failure: no recovery restart.
					h.events.warnf("service %s: the worker did not stop within %s (code %d); exiting anyway", h.o.name, h.o.stopTimeout, code)
					return false, 0
				}
				h.events.infof(eventStopped, "service %s stopped (worker exit code %d)", h.o.name, code)
				return false, 0
			}
		}
	}
}
