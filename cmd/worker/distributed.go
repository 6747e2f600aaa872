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
	"github.com/onecconnect/onecconnect/connect/storage/kafkastore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// runDistributed is `worker distributed WORKER.properties`.
func runDistributed(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return exitCode(stderr, "worker distributed", distributedCmd(ctx, args, stderr))
}

// exitCode prints err in one line under prefix and maps it to an exit code:
// 2 for bad usage or configuration, 1 for other failures.
func exitCode(stderr io.Writer, prefix string, err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, prefix+": "+oneLine(ue.msg))
		return exitUsage
	default:
		fmt.Fprintln(stderr, prefix+": "+oneLine(err.Error()))
		return exitFailure
	}
}

func distributedCmd(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("usage: worker distributed WORKER.properties")
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return usagef("read worker config: %v", err)
	}
	props, err := config.ParseProperties(bytes.NewReader(b))
	if err != nil {
		return usagef("worker config %s: %v", args[0], err)
	}
	return runDistributedWorker(ctx, args[0], props, stderr, "", nil)
}

// distributedSetup is a distributed worker's checked configuration.
type distributedSetup struct {
	wc        *runtime.WorkerConfig
	logLevel  string
	listeners []listener
	admin     []listener
	adminSet  bool
	signing   herder.SigningConfig
}

// parseDistributed checks the worker config of distributed mode; every
// error names the key at fault.
func parseDistributed(ctx context.Context, source string, props map[string]string) (*distributedSetup, error) {
	wc, err := runtime.ParseWorkerConfigWith(ctx, config.DefaultResolver(), props)
	if err != nil {
		var ve *config.ValidationError
		if errors.As(err, &ve) {
			return nil, usagef("worker config %s: %s", source, strings.Join(ve.Messages(), "; "))
		}
		return nil, usagef("worker config %s: %v", source, err)
	}
	setup := &distributedSetup{wc: wc, logLevel: wc.Values.String(runtime.KeyLogLevel)}
	if strings.TrimSpace(wc.Values.String(runtime.KeyGroupID)) == "" {
		return nil, usagef("worker config %s: group.id: missing (distributed mode needs the Connect cluster's group id)", source)
	}
	if _, _, _, _, err := kafkastore.WorkerTopicSpecs(wc.Props); err != nil {
		return nil, usagef("worker config %s: %v", source, err)
	}
	if _, err := herder.ClusterConfig(wc, "http://localhost:8083/", nil); err != nil {
		return nil, usagef("worker config %s: %v", source, err)
	}
	if setup.signing, err = herder.SigningFromWorker(wc); err != nil {
		return nil, usagef("worker config %s: %v", source, err)
	}
	if v := wc.Values.String("exactly.once.source.support"); v != "disabled" {
		return nil, usagef("worker config %s: exactly.once.source.support: %q is not supported yet (use disabled)", source, v)
	}
	if setup.listeners, err = parseRESTListeners("listeners", wc.Values.List("listeners")); err != nil {
		return nil, usagef("worker config %s: %v", source, err)
	}
	if len(setup.listeners) == 0 {
		return nil, usagef("worker config %s: listeners: at least one listener is required", source)
	}
	if l := strings.ToLower(strings.TrimSpace(wc.Values.String("rest.advertised.listener"))); l != "" && l != "http" && l != "https" {
		return nil, usagef("worker config %s: rest.advertised.listener: %q (want http or https)", source, l)
	}
	if _, ok := wc.Props["admin.listeners"]; ok {
		setup.adminSet = true
		if setup.admin, err = parseRESTListeners("admin.listeners", wc.Values.List("admin.listeners")); err != nil {
			return nil, usagef("worker config %s: %v", source, err)
		}
	}
	if _, _, err := newLogging(io.Discard, setup.logLevel); err != nil {
		return nil, usagef("worker config %s: %v", source, err)
	}
	return setup, nil
}

// runDistributedWorker runs a distributed worker until ctx ends
// (SIGINT/SIGTERM), then leaves the group gracefully. usersFile, when not
// empty, is the basic-auth users file generated (with printed credentials)
// when rest.auth is basic and no users are configured; distributed workers
// pass none, since every worker of a cluster must share one users file.
// ready, when not nil, is called with the worker's REST URL once it serves.
func runDistributedWorker(ctx context.Context, source string, props map[string]string, stderr io.Writer, usersFile string, ready func(url string)) error {
	setup, err := parseDistributed(ctx, source, props)
	if err != nil {
		return err
	}
	wc := setup.wc
	logger, levels, err := newLogging(stderr, setup.logLevel)
	if err != nil {
		return usagef("%v", err)
	}

	endpoints, err := openREST(wc, setup.listeners, setup.admin, restSecurityOptions{
		DefaultUsersFile: usersFile, Console: stderr, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"),
	})
	if err != nil {
		return err
	}
	defer endpoints.close()
	workerID := advertised(wc.Values.String("rest.advertised.host.name"), wc.Values.Int("rest.advertised.port"), endpoints.firstAddr())
	url := herder.AdvertisedURL(wc, setup.listeners[0].scheme, workerID)

	stores, err := herder.NewDistributedStores(wc, logger.With(rest.LoggerKey, "onecconnect.storage"))
	if err != nil {
		return usagef("worker config %s: %v", source, err)
	}
	for _, w := range stores.Warnings {
		logger.Warn(w)
	}
	fence := herder.NewOffsetFence(stores.Offsets)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := runtime.NewMetrics(reg)
	resolver := config.DefaultResolver()
	w, err := runtime.NewWorker(wc, runtime.Options{
		WorkerID: workerID, Offsets: fence, Plugins: builtinPlugins(), Resolver: resolver, Statuses: stores.Statuses,
		Logger: logger.With(rest.LoggerKey, "onecconnect.runtime"), Metrics: metrics,
	})
	if err != nil {
		return fmt.Errorf("create worker: %w", err)
	}
	cc, err := herder.ClusterConfig(wc, url, logger.With(rest.LoggerKey, "onecconnect.cluster"))
	if err != nil {
		return usagef("worker config %s: %v", source, err)
	}
	h, err := herder.NewDistributed(herder.DistributedOptions{
		Worker: w, Configs: stores.Configs, Offsets: stores.Offsets, Statuses: stores.Statuses, Fence: fence,
		Cluster: cc, Signing: setup.signing, Publisher: rest.NewInternalClient(nil), Resolver: resolver,
		Logger: logger.With(rest.LoggerKey, "onecconnect.herder"), Version: restAPIVersion, Commit: commit(),
	})
	if err != nil {
		return fmt.Errorf("create herder: %w", err)
	}
	ropts := rest.Options{
		Herder: h, Logger: logger.With(rest.LoggerKey, "onecconnect.rest"), Levels: levels, Metrics: reg,
		AdminOnMain: !setup.adminSet, AllowOrigin: wc.Values.String("access.control.allow.origin"),
		AllowMethods: wc.Values.String("access.control.allow.methods"),
	}
	endpoints.apply(&ropts)
	srv, err := rest.New(ropts)
	if err != nil {
		return fmt.Errorf("create REST server: %w", err)
	}
	// Serve first: other workers may forward to this one as soon as it
	// joins the group.
	served := endpoints.serve(srv, logger, "advertised_url", url)
	shutdownREST := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			logger.Warn("REST shutdown", "err", err)
		}
	}

	startCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	err = h.Start(startCtx)
	cancel()
	if err != nil {
		shutdownREST()
		var te *kafkastore.TopicError
		if errors.As(err, &te) {
			return usagef("%s: %v", te.Property, err)
		}
		return fmt.Errorf("start: %w", err)
	}
	logger.Info("distributed worker started", "group", wc.Values.String(runtime.KeyGroupID), "url", url,
		"bootstrap", strings.Join(wc.BootstrapServers, ","))
	if ready != nil {
		ready(url)
	}
	var runErr error
	select {
	case <-ctx.Done():
		logger.Info("stopping on signal: leaving the group")
	case err := <-served:
		runErr = fmt.Errorf("REST server: %w", err)
	}
	sctx, scancel := context.WithTimeout(context.Background(), cc.RebalanceTimeout+wc.TaskShutdownTimeout+wc.OffsetFlushTimeout+10*time.Second)
	if err := h.Stop(sctx); err != nil {
		logger.Error("herder stop", "err", err)
	}
	scancel()
	shutdownREST()
	logger.Info("distributed worker stopped")
	return runErr
}
