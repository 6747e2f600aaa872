package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Defaults of `worker dev`.
const (
	devBrokerListen = "127.0.0.1:9092"
	devListeners    = "http://:8083"
	devGroup        = "onec-connect-dev"
)

// devBanner labels the embedded broker plainly, on every start.
const devBanner = `worker dev: DEVELOPMENT BROKER on %s — an in-memory Kafka-protocol broker (kfake) for trying things locally.
worker dev: it is NOT Kafka: every topic, offset and connector config is LOST when this process exits.
worker dev: REST API at %s; other workers can join with: worker distributed WORKER.properties
worker dev:   (bootstrap.servers=%s, group.id=%s, config/offset/status.storage.topic=%s-configs/-offsets/-status)
`

// runDev is `worker dev [--broker-listen HOST:PORT] [--listeners URL]`: an
// embedded development broker plus one distributed worker against it.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return exitCode(stderr, "worker dev", devCmd(ctx, args, stdout, stderr))
}

func devCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("worker dev", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	brokerListen := fs.String("broker-listen", devBrokerListen, "host:port of the embedded development broker")
	listeners := fs.String("listeners", devListeners, "REST listener URL(s) of the worker, comma-separated")
	group := fs.String("group-id", devGroup, "group.id of the worker (and prefix of its internal topics)")
	logLevel := fs.String("log-level", "INFO", "root log level")
	usersFile := fs.String("users-file", defaultDevUsersFile(), "basic-auth users file of the REST API; created with a generated admin password (printed once) when missing")
	restAuth := fs.String("rest-auth", "basic", "REST authentication: basic, or none (no authentication; only for throwaway local use)")
	if err := fs.Parse(args); err != nil {
		return usagef("%v (usage: worker dev [--broker-listen HOST:PORT] [--listeners URL] [--group-id ID] [--log-level LEVEL])", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (usage: worker dev [--broker-listen HOST:PORT] [--listeners URL] [--group-id ID])", fs.Arg(0))
	}
	host, portStr, err := net.SplitHostPort(*brokerListen)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || port < 0 || port > 65535 {
		return usagef("--broker-listen: %q is not host:port", *brokerListen)
	}
	if strings.TrimSpace(*group) == "" {
		return usagef("--group-id: empty")
	}

	broker, err := kfake.NewCluster(
		kfake.NumBrokers(1),
		kfake.Ports(port),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		}),
		kfake.AllowAutoTopicCreation(),
	)
	if err != nil {
		return fmt.Errorf("start the development broker on %s: %w", *brokerListen, err)
	}
	defer broker.Close()
	bootstrap := strings.Join(broker.ListenAddrs(), ",")

	props := map[string]string{
		"bootstrap.servers":                 bootstrap,
		"group.id":                          *group,
		"config.storage.topic":              *group + "-configs",
		"offset.storage.topic":              *group + "-offsets",
		"status.storage.topic":              *group + "-status",
		"config.storage.replication.factor": "1",
		"offset.storage.replication.factor": "1",
		"status.storage.replication.factor": "1",
		"offset.storage.partitions":         "5",
		"status.storage.partitions":         "3",
		"key.converter":                     "org.apache.kafka.connect.json.JsonConverter",
		"value.converter":                   "org.apache.kafka.connect.json.JsonConverter",
		"offset.flush.interval.ms":          "10000",
		"scheduled.rebalance.max.delay.ms":  "0",
		"listeners":                         *listeners,
		keyLogLevel:                         *logLevel,
		keyRESTAuth:                         *restAuth,
	}
	return runDistributedWorker(ctx, "(worker dev)", props, stderr, *usersFile, func(url string) {
		fmt.Fprintf(stdout, devBanner, bootstrap, url, bootstrap, *group, *group)
	})
}

// defaultDevUsersFile keeps the dev worker's REST credentials across runs:
// the user's configuration directory, else the working directory.
func defaultDevUsersFile() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join(".onec-connect", "dev-users")
	}
	return filepath.Join(dir, "onec-connect", "dev-users")
}
