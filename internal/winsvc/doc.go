// Package winsvc implements `worker service install|uninstall|start|stop|run`:
// it registers the worker binary as a Windows service and runs it under the
// Service Control Manager (SCM), through golang.org/x/sys/windows/svc, svc/mgr
// and svc/eventlog.
//
// install creates the service with a command line of the form
//
//	"C:\…\worker.exe" service run --name NAME --config "C:\…\worker.properties" --mode MODE --log-file "C:\…\NAME.log" --stop-timeout 30s
//
// sets recovery actions (restart after 10 s, 30 s and 60 s, also when the
// worker exits with a non-zero code) and registers NAME as an event log
// source. run is what the SCM starts: it calls the RunFunc that cmd/worker
// passes in (this package does not import cmd/worker) with the worker's
// arguments ("distributed", the config path, …) and the log file as stdout and
// stderr. A Stop or Shutdown request from the SCM cancels the RunFunc's
// context; the worker then has --stop-timeout to return while the service
// reports StopPending with growing checkpoints. Lifecycle events and failures
// also go to the Windows event log (Application, source NAME).
//
// All paths go through the UTF-16 ("W") Windows APIs that x/sys and the Go
// runtime use, so configuration paths with Cyrillic characters work.
//
// The portable parts (argument parsing, the service command line, the
// supervisor that maps a stop request to context cancellation with a
// deadline, the log file) build and are tested on every OS; the SCM parts
// are in *_windows.go. On other systems Main reports that the command is
// only available on Windows and returns 2.
package winsvc
