//go:build windows

package winsvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// recoveryDelays: the service restarts the service after 10 s, 30 s and 60 s; the
// failure count resets after a day without failures.
var recoveryDelays = []time.Duration{10 * time.Second, 30 * time.Second, 60 * time.Second}

const recoveryResetSeconds = 24 * 60 * 60

// pollInterval is how often start and stop query the service's state.
const pollInterval = 300 * time.Millisecond

// connectSCM opens the service manager.
func connectSCM() (*mgr.Mgr, error) {
	m, err := mgr.Connect()
	if err != nil {
		return nil, fmt.Errorf("connect to the service control manager (run as Administrator): %w", err)
	}
	return m, nil
}

// install registers the service. Relative paths are made absolute against
// the current directory; the config and connector files must exist.
func install(o *options, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate the worker executable: %w", err)
	}
	if exe, err = filepath.Abs(exe); err != nil {
		return fmt.Errorf("locate the worker executable: %w", err)
	}
	paths := append([]*string{&o.config}, ptrs(o.connectors)...)
	for _, p := range paths {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return fmt.Errorf("%s: %w", *p, err)
		}
		if _, err := os.Stat(abs); err != nil {
			return err // *PathError names the file
		}
		*p = abs
	}
	if o.logFile == "" {
		o.logFile = defaultLogFile(os.Getenv("ProgramData"), o.name)
	}
	if o.logFile, err = filepath.Abs(o.logFile); err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(o.logFile), 0o755); err != nil {
		return fmt.Errorf("log directory: %w", err)
	}

	m, err := connectSCM()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	if s, err := m.OpenService(o.name); err == nil {
		s.Close()
		return fmt.Errorf("service %s already exists (worker service uninstall --name %s removes it)", o.name, o.name)
	}
	cfg := mgr.Config{
		DisplayName:      displayName(o),
		Description:      o.description,
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: o.startType == startDelayed,
		ErrorControl:     mgr.ErrorNormal,
	}
	if o.startType == startManual {
		cfg.StartType = mgr.StartManual
	}
	s, err := m.CreateService(o.name, exe, cfg, runArgs(o)...)
	if err != nil {
		return fmt.Errorf("create service %s: %w", o.name, err)
	}
	defer s.Close()
	actions := make([]mgr.RecoveryAction, len(recoveryDelays))
	for i, d := range recoveryDelays {
		actions[i] = mgr.RecoveryAction{Type: mgr.ServiceRestart, Delay: d}
	}
	if err := s.SetRecoveryActions(actions, recoveryResetSeconds); err != nil {
		_ = s.Delete()
		return fmt.Errorf("set recovery actions: %w", err)
	}
	if err := s.SetRecoveryActionsOnNonCrashFailures(true); err != nil {
		_ = s.Delete()
		return fmt.Errorf("set recovery on non-crash failures: %w", err)
	}
	if err := eventlog.InstallAsEventCreate(o.name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil {
		// An event source left by an earlier install is fine.
		if !isAlreadyExists(err) {
			_ = s.Delete()
			return fmt.Errorf("register event log source %s: %w", o.name, err)
		}
	}
	fmt.Fprintf(stdout, "installed service %s (%s): %s %s\nlog file: %s\nstart it with: worker service start --name %s\n",
		o.name, displayName(o), o.mode, o.config, o.logFile, o.name)
	return nil
}

// isAlreadyExists reports the error eventlog.InstallAsEventCreate returns
// for a source that is already registered (a plain error naming the key).
func isAlreadyExists(err error) bool {
	return errors.Is(err, windows.ERROR_ALREADY_EXISTS) || strings.Contains(strings.ToLower(err.Error()), "already exists")
}

func ptrs(ss []string) []*string {
	out := make([]*string, len(ss))
	for i := range ss {
		out[i] = &ss[i]
	}
	return out
}

// uninstall stops the service if it runs, deletes it and its event source.
func uninstall(ctx context.Context, o *options, stdout io.Writer) error {
	m, err := connectSCM()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	s, err := m.OpenService(o.name)
	if err != nil {
		return fmt.Errorf("open service %s: %w", o.name, err)
	}
	defer s.Close()
	if st, err := s.Query(); err == nil && st.State != svc.Stopped {
		if err := stopAndWait(ctx, s, o.wait); err != nil {
			return err
		}
	}
	if err := s.Delete(); err != nil {
		return fmt.Errorf("delete service %s: %w", o.name, err)
	}
	if err := eventlog.Remove(o.name); err != nil {
		fmt.Fprintf(stdout, "note: event log source %s not removed: %v\n", o.name, err)
	}
	fmt.Fprintf(stdout, "uninstalled service %s\n", o.name)
	return nil
}

// start starts the service and waits until it runs.
func start(ctx context.Context, o *options, stdout io.Writer) error {
	m, err := connectSCM()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	s, err := m.OpenService(o.name)
	if err != nil {
		return fmt.Errorf("open service %s: %w", o.name, err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		return fmt.Errorf("start service %s: %w", o.name, err)
	}
	st, err := waitState(ctx, s, o.wait, svc.Running, svc.Stopped)
	if err != nil {
		return err
	}
	if st.State == svc.Stopped {
		return fmt.Errorf("service %s stopped right after starting (exit code %d, service code %d); see its log file and the Application event log",
			o.name, st.Win32ExitCode, st.ServiceSpecificExitCode)
	}
	fmt.Fprintf(stdout, "service %s is running\n", o.name)
	return nil
}

// stop stops the service and waits until it has stopped.
func stop(ctx context.Context, o *options, stdout io.Writer) error {
	m, err := connectSCM()
	if err != nil {
		return err
	}
	defer m.Disconnect()
	s, err := m.OpenService(o.name)
	if err != nil {
		return fmt.Errorf("open service %s: %w", o.name, err)
	}
	defer s.Close()
	if err := stopAndWait(ctx, s, o.wait); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "service %s is stopped\n", o.name)
	return nil
}

func stopAndWait(ctx context.Context, s *mgr.Service, wait time.Duration) error {
	if _, err := s.Control(svc.Stop); err != nil && !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
		return fmt.Errorf("stop service %s: %w", s.Name, err)
	}
	_, err := waitState(ctx, s, wait, svc.Stopped)
	return err
}

// waitState polls s until it reaches one of states, ctx ends or wait
// passes.
func waitState(ctx context.Context, s *mgr.Service, wait time.Duration, states ...svc.State) (svc.Status, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		st, err := s.Query()
		if err != nil {
			return st, fmt.Errorf("query service %s: %w", s.Name, err)
		}
		for _, want := range states {
			if st.State == want {
				return st, nil
			}
		}
		select {
		case <-ctx.Done():
			return st, fmt.Errorf("service %s: still in state %d after %s", s.Name, st.State, wait)
		case <-t.C:
		}
	}
}
