package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// listener is one parsed entry of listeners / admin.listeners.
type listener struct {
	scheme string
	addr   string // host:port for net.Listen
}

// parseListeners parses Kafka's listener URLs ("http://:8083",
// "http://127.0.0.1:0"). Only http is served for now.
func parseListeners(key string, list []string) ([]listener, error) {
	var out []listener
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" && !strings.Contains(raw, "://:") {
			return nil, fmt.Errorf("%s: %q is not a listener URL such as http://:8083", key, raw)
		}
		scheme := strings.ToLower(u.Scheme)
		switch scheme {
		case "http":
		case "https":
			return nil, fmt.Errorf("%s: %q: https listeners are not supported yet; use http behind a TLS-terminating proxy", key, raw)
		default:
			return nil, fmt.Errorf("%s: %q: unsupported scheme %q (want http)", key, raw, u.Scheme)
		}
		host, port := u.Hostname(), u.Port()
		if port == "" {
			return nil, fmt.Errorf("%s: %q: a port is required", key, raw)
		}
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return nil, fmt.Errorf("%s: %q: bad port %q", key, raw, port)
		}
		out = append(out, listener{scheme: scheme, addr: net.JoinHostPort(host, port)})
	}
	return out, nil
}

// advertised returns the worker id / advertised host:port: the
// rest.advertised.* keys when set, else the first listener's bound
// address (the host name when it listens on all interfaces).
func advertised(host string, port int, bound net.Addr) string {
	tcp, _ := bound.(*net.TCPAddr)
	if host == "" && tcp != nil && !tcp.IP.IsUnspecified() {
		host = tcp.IP.String()
	}
	if host == "" {
		if h, err := os.Hostname(); err == nil {
			host = h
		} else {
			host = "localhost"
		}
	}
	if port == 0 && tcp != nil {
		port = tcp.Port
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
