package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/runtime"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// usageError is bad usage or configuration: exit code 2, one line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

// runStandalone is `worker standalone WORKER.properties [CONNECTOR ...]`.
func runStandalone(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := standalone(ctx, args, stderr)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "worker standalone: "+oneLine(ue.msg))
		return exitUsage
	default:
		fmt.Fprintln(stderr, "worker standalone: "+oneLine(err.Error()))
		return exitFailure
	}
}

// oneLine joins a multi-line message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// workerSetup is everything parsed from the command line before anything
// starts.
type workerSetup struct {
	wc         *runtime.WorkerConfig
	logLevel   string
	connectors []connectorFile
	listeners  []listener
	admin      []listener
	adminSet   bool
}

// parseStandalone reads and checks the worker and connector files.
func parseStandalone(ctx context.Context, args []string) (*workerSetup, error) {
	if len(args) < 1 {
		return nil, usagef("usage: worker standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return nil, usagef("read worker config: %v", err)
	}
	props, err := config.ParseProperties(bytes.NewReader(b))
	if err != nil {
		return nil, usagef("worker config %s: %v", args[0], err)
	}
	wc, err := runtime.ParseWorkerConfigWith(ctx, config.DefaultResolver(), props)
	if err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) {
			return nil, usagef("worker config %s: %s", args[0], strings.Join(ve.Messages(), "; "))
		}
		return nil, usagef("worker config %s: %v", args[0], err)
	}
	setup := &workerSetup{wc: wc, logLevel: wc.Values.String(runtime.KeyLogLevel)}
	if strings.TrimSpace(wc.OffsetStorageFile) == "" {
		return nil, usagef("worker config %s: %s: missing (standalone mode stores source offsets in this file)", args[0], runtime.KeyOffsetStorageFile)
	}
	if setup.listeners, err = parseRESTListeners("listeners", wc.Values.List("listeners")); err != nil {
		return nil, usagef("worker config %s: %v", args[0], err)
	}
	if len(setup.listeners) == 0 {
		return nil, usagef("worker config %s: listeners: at least one listener is required", args[0])
	}
	if _, ok := wc.Props["admin.listeners"]; ok {
		setup.adminSet = true
		if setup.admin, err = parseRESTListeners("admin.listeners", wc.Values.List("admin.listeners")); err != nil {
			return nil, usagef("worker config %s: %v", args[0], err)
		}
	}
	if _, _, err := newLogging(io.Discard, setup.logLevel); err != nil {
		return nil, usagef("worker config %s: %v", args[0], err)
	}
	seen := map[string]string{}
	for _, path := range args[1:] {
		cf, err := readConnectorFile(path)
		if err != nil {
			return nil, usagef("connector config %s: %v", path, err)
		}
		if prev, dup := seen[cf.name]; dup {
			return nil, usagef("connector config %s: name %q is already used by %s", path, cf.name, prev)
		}
		seen[cf.name] = path
		setup.connectors = append(setup.connectors, cf)
	}
	return setup, nil
}

// standalone runs the worker until ctx ends (SIGINT/SIGTERM).
func standalone(ctx context.Context, args []string, stderr io.Writer) error {
	setup, err := parseStandalone(ctx, args)
	if err != nil {
		return err
	}
	wc := setup.wc
	logger, levels, err := newLogging(stderr, setup.logLevel)
	if err != nil {
		return usagef("%v", err)
	}

	offsets, err := storage.OpenFileOffsetStore(wc.OffsetStorageFile)
	if err != nil {
		return usagef("%s: %v", runtime.KeyOffsetStorageFile, err)
	}
	defer offsets.Close()

	endpoints, err := openREST(wc, setup.listeners, setup.admin, restSecurityOptions{
		DefaultUsersFile: defaultUsersFile(wc.OffsetStorageFile), Console: stderr, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"),
	})
	if err != nil {
		return err
	}
	defer endpoints.close()
	workerID := advertised(wc.Values.String("rest.advertised.host.name"), wc.Values.Int("rest.advertised.port"), endpoints.firstAddr())

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := runtime.NewMetrics(reg)
	resolver := config.DefaultResolver()
	statuses := storage.NewMemoryStatusStore()
	w, err := runtime.NewWorker(wc, runtime.Options{
		WorkerID: workerID, Offsets: offsets, Plugins: builtinPlugins(), Resolver: resolver, Statuses: statuses,
		Logger: logger.With(rest.LoggerKey, "onecconnect.runtime"), Metrics: metrics,
	})
	if err != nil {
		return fmt.Errorf("create worker: %w", err)
	}
	h, err := herder.NewStandalone(herder.Options{
		Worker: w, Statuses: statuses, Resolver: resolver, Logger: logger.With(rest.LoggerKey, "onecconnect.herder"),
		Version: restAPIVersion, Commit: commit(),
	})
	if err != nil {
		return fmt.Errorf("create herder: %w", err)
	}
	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	err = h.Start(startCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	stopHerder := func() {
		sctx, cancel := context.WithTimeout(context.Background(), wc.TaskShutdownTimeout+wc.OffsetFlushTimeout+10*time.Second)
		defer cancel()
		if err := h.Stop(sctx); err != nil {
			logger.Error("herder stop", "err", err)
		}
	}

	ropts := rest.Options{
		Herder: h, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"), Levels: levels, Metrics: reg,
		AdminOnMain: !setup.adminSet, AllowOrigin: wc.Values.String("access.control.allow.origin"),
		AllowMethods: wc.Values.String("access.control.allow.methods"),
	}
	endpoints.apply(&ropts)
	srv, err := rest.New(ropts)
	if err != nil {
		stopHerder()
		return fmt.Errorf("create REST server: %w", err)
	}
	served := endpoints.serve(srv, logger, "worker", workerID)

	var runErr error
	for _, cf := range setup.connectors {
		cctx, cancel := context.WithTimeout(ctx, rest.DefaultRequestTimeout)
		_, _, err := h.PutConnectorConfig(cctx, cf.name, cf.config, false, "")
		cancel()
		if err != nil {
			if k := herder.KindOf(err); k == herder.KindBadRequest || k == herder.KindAlreadyExists || k == herder.KindInternal {
				runErr = usagef("connector config %s: %v", cf.path, err)
			} else {
				runErr = fmt.Errorf("connector %s: %w", cf.name, err)
			}
			break
		}
		logger.Info("connector created", "connector", cf.name, "file", cf.path)
	}
	if runErr == nil {
		logger.Info("standalone worker started", "worker", workerID, "connectors", len(setup.connectors))
		select {
		case <-ctx.Done():
			logger.Info("stopping on signal")
		case err := <-served:
			runErr = fmt.Errorf("REST server: %w", err)
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("REST shutdown", "err", err)
	}
	cancel()
	stopHerder()
	logger.Info("standalone worker stopped")
	return runErr
}
