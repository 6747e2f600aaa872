package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/twmb/franz-go/pkg/kfake"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kfake:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("kfake", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9092", "address of the first broker; kfake binds 127.0.0.1 only, port 0 for random ports")
	brokers := fs.Int("brokers", 1, "number of brokers, on consecutive ports")
	partitions := fs.Int("partitions", 1, "default partition count of auto-created topics")
	autoCreate := fs.Bool("auto-create-topics", true, "create topics on first use")
	dataDir := fs.String("data-dir", "", "persist the cluster state in this directory (default: memory only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ports, err := brokerPorts(*listen, *brokers)
	if err != nil {
		return err
	}
	opts := []kfake.Opt{kfake.Ports(ports...), kfake.DefaultNumPartitions(*partitions)}
	if *autoCreate {
		opts = append(opts, kfake.AllowAutoTopicCreation())
	}
	if *dataDir != "" {
		opts = append(opts, kfake.DataDir(*dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return fmt.Errorf("start cluster: %w", err)
	}
	defer c.Close()
	fmt.Println(strings.Join(c.ListenAddrs(), "\n"))

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	<-sigs
	return nil
}

// brokerPorts returns n ports starting at the port of listen (all 0 for
// random ports). Only loopback hosts are accepted: kfake binds 127.0.0.1.
func brokerPorts(listen string, n int) ([]int, error) {
	if n < 1 {
		return nil, fmt.Errorf("-brokers %d: need at least 1", n)
	}
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("-listen %q: %w", listen, err)
	}
	if host != "" && host != "127.0.0.1" && host != "localhost" {
		return nil, errors.New("-listen: kfake only binds 127.0.0.1")
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port < 0 || port+n-1 > 65535 {
		return nil, fmt.Errorf("-listen %q: bad port", listen)
	}
	ports := make([]int, n)
	for i := range ports {
		if port != 0 {
			ports[i] = port + i
		}
	}
	return ports, nil
}
