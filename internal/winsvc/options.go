package winsvc

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Actions of `worker service`.
const (
	actionInstall   = "install"
	actionUninstall = "uninstall"
	actionStart     = "start"
	actionStop      = "stop"
	actionRun       = "run"
)

// Worker modes a service may run.
const (
	modeStandalone  = "standalone"
	modeDistributed = "distributed"
)

// Start types of an installed service.
const (
	startAuto    = "auto"
	startDelayed = "delayed"
	startManual  = "manual"
)

// Defaults.
const (
	// DefaultName is the service name unless --name says otherwise.
	DefaultName = "onec-connect"
	// DefaultStopTimeout is the graceful-shutdown deadline of the worker.
	DefaultStopTimeout = 30 * time.Second
	// defaultWait bounds how long start, stop and uninstall wait for the
	// service to reach the wanted state.
	defaultWait = 60 * time.Second
	maxNameLen  = 256
)

// options are the parsed `worker service` arguments.
type options struct {
	action      string
	name        string
	displayName string
	description string
	config      string   // worker .properties
	mode        string   // standalone or distributed
	connectors  []string // standalone: connector files
	logFile     string   // "" = the default under %ProgramData%
	startType   string
	stopTimeout time.Duration
	wait        time.Duration
}

// errHelp is returned for -h/--help after the usage was printed.
var errHelp = flag.ErrHelp

// usageError is bad usage; Main prints it with a usage line and returns 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

const usageLine = "usage: worker service install|uninstall|start|stop|run [flags] (worker service ACTION --help)"

// parseOptions parses args (the action, then its flags; for install and run
// in standalone mode, connector files after the flags).
func parseOptions(args []string, stderr io.Writer) (*options, error) {
	if len(args) == 0 {
		return nil, usagef("missing action")
	}
	o := &options{action: args[0], name: DefaultName, mode: modeDistributed, startType: startDelayed,
		stopTimeout: DefaultStopTimeout, wait: defaultWait}
	fs := flag.NewFlagSet("worker service "+o.action, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.name, "name", o.name, "service name")
	positionalOK := false
	switch o.action {
	case actionInstall, actionRun:
		fs.StringVar(&o.config, "config", "", "worker .properties file (required; an absolute path for run)")
		fs.StringVar(&o.mode, "mode", o.mode, "worker mode: standalone or distributed")
		fs.StringVar(&o.logFile, "log-file", "", `log file (default %ProgramData%\onec-connect\NAME.log)`)
		fs.DurationVar(&o.stopTimeout, "stop-timeout", o.stopTimeout, "how long the worker may take to stop gracefully")
		positionalOK = true
		if o.action == actionInstall {
			fs.StringVar(&o.displayName, "display-name", "", "name shown in services.msc (default: onec-connect (NAME))")
			fs.StringVar(&o.description, "description", "onec-connect: Kafka Connect-compatible connectors between 1C:Enterprise and Apache Kafka", "service description")
			fs.StringVar(&o.startType, "start", o.startType, "start type: auto, delayed (automatic, delayed start) or manual")
		}
	case actionUninstall, actionStart, actionStop:
		fs.DurationVar(&o.wait, "timeout", o.wait, "how long to wait for the service to reach the wanted state")
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, usageLine)
		return nil, errHelp
	default:
		return nil, usagef("unknown action %q", o.action)
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "usage: worker service %s [flags]%s\n", o.action, map[bool]string{true: " [CONNECTOR.properties ...]"}[positionalOK])
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return nil, errHelp
		}
		return nil, usagef("%v", err)
	}
	if err := checkName(o.name); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 && !positionalOK {
		return nil, usagef("%s: unexpected arguments %q", o.action, fs.Args())
	}
	if !positionalOK {
		return o, nil
	}
	o.connectors = fs.Args()
	o.config = strings.TrimSpace(o.config)
	switch {
	case o.config == "":
		return nil, usagef("%s: --config WORKER.properties is required", o.action)
	case o.mode != modeStandalone && o.mode != modeDistributed:
		return nil, usagef("--mode %q: expected standalone or distributed", o.mode)
	case o.mode == modeDistributed && len(o.connectors) > 0:
		return nil, usagef("connector files %q: only standalone mode takes connector files (distributed workers get connectors through REST)", o.connectors)
	case o.stopTimeout <= 0:
		return nil, usagef("--stop-timeout %s: must be positive", o.stopTimeout)
	case o.startType != startAuto && o.startType != startDelayed && o.startType != startManual:
		return nil, usagef("--start %q: expected auto, delayed or manual", o.startType)
	}
	if o.action == actionRun {
		// The SCM starts services in %SystemRoot%\System32: only absolute
		// paths mean what install meant.
		for _, p := range append([]string{o.config, o.logFile}, o.connectors...) {
			if p != "" && !isAbsWindowsPath(p) {
				return nil, usagef("run: %q is not an absolute Windows path (install writes absolute paths)", p)
			}
		}
	}
	return o, nil
}

// checkName accepts names the SCM accepts: 1–256 characters, no slashes.
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return usagef("--name: empty service name")
	case len([]rune(name)) > maxNameLen:
		return usagef("--name: longer than %d characters", maxNameLen)
	case strings.ContainsAny(name, `/\`):
		return usagef("--name %q: must not contain / or \\", name)
	}
	return nil
}

// isAbsWindowsPath reports whether p is an absolute Windows path: a drive
// letter with a separator (C:\dir, C:/dir) or a UNC path (\\server\share).
// It is written out rather than filepath.IsAbs so that it means the same
// on every OS the tests run on.
func isAbsWindowsPath(p string) bool {
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		c := p[0] | 0x20
		return c >= 'a' && c <= 'z'
	}
	return len(p) >= 3 && (strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, `//`)) && p[2] != '\\' && p[2] != '/'
}

// runArgs returns the arguments after the executable in the service's
// command line: `service run` with every setting of o spelled out.
func runArgs(o *options) []string {
	args := []string{"service", actionRun, "--name", o.name, "--config", o.config, "--mode", o.mode}
	if o.logFile != "" {
		args = append(args, "--log-file", o.logFile)
	}
	args = append(args, "--stop-timeout", o.stopTimeout.String())
	return append(args, o.connectors...)
}

// workerArgs returns the arguments the RunFunc gets: the mode, the worker
// config and, in standalone mode, the connector files.
func workerArgs(o *options) []string {
	return append([]string{o.mode, o.config}, o.connectors...)
}

// displayName returns the display name install uses.
func displayName(o *options) string {
	if o.displayName != "" {
		return o.displayName
	}
	return "onec-connect (" + o.name + ")"
}

// defaultLogFile returns %ProgramData%\onec-connect\NAME.log for the given
// ProgramData directory (C:\ProgramData when empty).
func defaultLogFile(programData, name string) string {
	if programData == "" {
		programData = `C:\ProgramData`
	}
	return strings.TrimRight(programData, `\/`) + `\onec-connect\` + name + ".log"
}
