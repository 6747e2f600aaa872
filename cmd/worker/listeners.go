package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connect/rest"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

// Worker keys of REST security (ours; runtime.WorkerConfigDef passes the
// rest.auth.*, listeners.https.* and admin.listeners.https.* prefixes
// through, and this file checks them).
const (
	keyRESTAuth          = "rest.auth"
	keyUsersFile         = "basic.users.file" // under rest.auth.
	keyUsers             = "basic.users"
	keyTokensFile        = "bearer.tokens.file"
	keyMTLSCAFile        = "mtls.ca.file"
	keyMTLSPrincipals    = "mtls.principals"
	keyMTLSDefaultRole   = "mtls.default.role"
	keyHealthOpen        = "health.open"
	keyMetricsOpen       = "metrics.open"
	keyCertLocation      = "ssl.certificate.location" // under listeners.https. / admin.listeners.https.
	keyKeyLocation       = "ssl.key.location"
	restAuthPrefix       = "rest.auth."
	httpsPrefix          = "listeners.https."
	adminHTTPSPrefix     = "admin.listeners.https."
	defaultUsersFileBase = "rest-users"
)

// REST authentication modes (rest.auth).
const (
	authBasic  = "basic"
	authBearer = "bearer"
	authMTLS   = "mtls"
	authNone   = "none"
)

var knownAuthKeys = []string{keyUsersFile, keyUsers, keyTokensFile, keyMTLSCAFile, keyMTLSPrincipals,
	keyMTLSDefaultRole, keyHealthOpen, keyMetricsOpen}

// listener is one parsed entry of listeners / admin.listeners.
type listener struct {
	scheme string // http or https
	addr   string // host:port for net.Listen
}

// parseListeners parses Kafka's listener URLs ("http://:8083",
// "http://127.0.0.1:0") and refuses https: a caller that listens with
// net.Listen itself would serve plain HTTP on it. Callers that open
// listeners with restSecurity.listen use parseRESTListeners.
func parseListeners(key string, list []string) ([]listener, error) {
	ls, err := parseRESTListeners(key, list)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.scheme == "https" {
			return nil, fmt.Errorf("%s: https://%s: open https listeners with restSecurity.listen", key, l.addr)
		}
	}
	return ls, nil
}

// parseRESTListeners parses http:// and https:// listener URLs; https
// listeners need listeners.https.ssl.certificate.location and
// .key.location (checked by newRESTSecurity).
func parseRESTListeners(key string, list []string) ([]listener, error) {
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
		if scheme != "http" && scheme != "https" {
			return nil, fmt.Errorf("%s: %q: unsupported scheme %q (want http or https)", key, raw, u.Scheme)
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

// restSecurity is a worker's REST transport security and authentication,
// built by newRESTSecurity from its keys.
type restSecurity struct {
	mode        string
	auth        auth.Authenticator // nil for none
	healthOpen  bool
	metricsOpen bool
	mainTLS     *tls.Config // nil without https listeners
	adminTLS    *tls.Config
}

// restSecurityOptions configure newRESTSecurity.
type restSecurityOptions struct {
	// DefaultUsersFile is the basic users file used when neither
	// rest.auth.basic.users.file nor rest.auth.basic.users is set; it is
	// generated with an admin user at first start (standalone: next to
	// the offsets file; dev: in its data directory). Empty: such a
	// config is an error.
	DefaultUsersFile string
	// Console receives the generated credentials, once, outside the log.
	Console io.Writer
	// Logger receives the warning of rest.auth=none and reload failures.
	Logger *slog.Logger
}

// defaultUsersFile is the standalone worker's generated users file: next
// to its offsets file.
func defaultUsersFile(offsetsFile string) string {
	dir := "."
	if i := strings.LastIndexAny(offsetsFile, `/\`); i >= 0 {
		dir = offsetsFile[:i]
		if dir == "" {
			dir = "/"
		}
	}
	return strings.TrimRight(dir, `/\`) + string(os.PathSeparator) + defaultUsersFileBase
}

// newRESTSecurity reads rest.auth (basic when unset), its rest.auth.*
// settings and the PEM files of https listeners. With basic and no users
// configured it creates o.DefaultUsersFile and prints the generated admin
// credentials to o.Console once. rest.auth=none logs a loud warning.
func newRESTSecurity(wc *runtime.WorkerConfig, main, admin []listener, o restSecurityOptions) (*restSecurity, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Console == nil {
		o.Console = io.Discard
	}
	opts := auth.Options{Logger: o.Logger}
	a := wc.Values.WithPrefix(restAuthPrefix)
	for k := range a {
		if !slices.Contains(knownAuthKeys, k) {
			return nil, fmt.Errorf("%s%s: unknown key (known: %s)", restAuthPrefix, k, strings.Join(knownAuthKeys, ", "))
		}
	}
	rs := &restSecurity{mode: strings.ToLower(strings.TrimSpace(wc.Values.String(keyRESTAuth)))}
	if rs.mode == "" {
		rs.mode = authBasic
	}
	var err error
	if rs.healthOpen, err = boolKey(a, keyHealthOpen, true); err != nil {
		return nil, err
	}
	if rs.metricsOpen, err = boolKey(a, keyMetricsOpen, false); err != nil {
		return nil, err
	}
	if rs.mainTLS, err = serverTLS(wc, httpsPrefix, "", main, rs.mode == authMTLS, opts); err != nil {
		return nil, err
	}
	if rs.adminTLS, err = serverTLS(wc, adminHTTPSPrefix, httpsPrefix, admin, rs.mode == authMTLS, opts); err != nil {
		return nil, err
	}
	switch rs.mode {
	case authNone:
		o.Logger.Warn("REST AUTHENTICATION IS OFF (rest.auth=none): anyone who can reach the REST listeners can read " +
			"and change connectors, offsets and logger levels; set rest.auth=basic, bearer or mtls")
	case authBasic:
		rs.auth, err = basicAuth(a, o, opts)
	case authBearer:
		f := strings.TrimSpace(a[keyTokensFile])
		if f == "" {
			return nil, fmt.Errorf("%s=bearer needs %s%s", keyRESTAuth, restAuthPrefix, keyTokensFile)
		}
		rs.auth, err = auth.NewBearer(f, opts)
	case authMTLS:
		rs.auth, err = mtlsAuth(a, main, opts)
	default:
		return nil, fmt.Errorf("%s %q: want basic, bearer, mtls or none", keyRESTAuth, rs.mode)
	}
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", keyRESTAuth, rs.mode, err)
	}
	return rs, nil
}

func basicAuth(a map[string]string, o restSecurityOptions, opts auth.Options) (auth.Authenticator, error) {
	file, list := strings.TrimSpace(a[keyUsersFile]), strings.TrimSpace(a[keyUsers])
	if file != "" && list != "" {
		return nil, fmt.Errorf("set %s%s or %s%s, not both", restAuthPrefix, keyUsersFile, restAuthPrefix, keyUsers)
	}
	if list != "" {
		return auth.NewBasicFromList(list, opts)
	}
	if file == "" {
		if o.DefaultUsersFile == "" {
			return nil, fmt.Errorf("%s%s or %s%s is required", restAuthPrefix, keyUsersFile, restAuthPrefix, keyUsers)
		}
		file = o.DefaultUsersFile
		pw, created, err := auth.EnsureUsersFile(file)
		if err != nil {
			return nil, err
		}
		if created {
			printCredentials(o.Console, file, pw)
		}
	}
	return auth.NewBasic(file, opts)
}

// printCredentials shows generated credentials once, on the console rather
// than in the log.
func printCredentials(w io.Writer, file, password string) {
	fmt.Fprintf(w, "\n"+
		"==================================================================\n"+
		" REST API credentials generated (shown once; stored as a bcrypt\n"+
		" hash in %s):\n"+
		"   user:     %s\n"+
		"   password: %s\n"+
		" Example:   curl -u %s:%s http://localhost:8083/connectors\n"+
		"==================================================================\n\n",
		file, auth.GeneratedUser, password, auth.GeneratedUser, password)
}

func mtlsAuth(a map[string]string, main []listener, opts auth.Options) (auth.Authenticator, error) {
	for _, l := range main {
		if l.scheme != "https" {
			return nil, fmt.Errorf("client certificates need https listeners; %s is http", l.addr)
		}
	}
	ca := strings.TrimSpace(a[keyMTLSCAFile])
	if ca == "" {
		return nil, fmt.Errorf("%s%s is required", restAuthPrefix, keyMTLSCAFile)
	}
	roles, err := auth.ParseCNRoles(splitList(a[keyMTLSPrincipals]))
	if err != nil {
		return nil, fmt.Errorf("%s%s: %w", restAuthPrefix, keyMTLSPrincipals, err)
	}
	def := auth.RoleNone
	if v := strings.TrimSpace(a[keyMTLSDefaultRole]); v != "" {
		if def, err = auth.ParseRole(v); err != nil {
			return nil, fmt.Errorf("%s%s: %w", restAuthPrefix, keyMTLSDefaultRole, err)
		}
	}
	return auth.NewMTLS(auth.MTLSOptions{Options: opts, CAFile: ca, Roles: roles, DefaultRole: def})
}

// serverTLS builds the TLS settings of the https entries of ls from the
// PEM files under prefix (falling back to the keys under fallback), or
// nil when ls has no https entry.
func serverTLS(wc *runtime.WorkerConfig, prefix, fallback string, ls []listener, clientCerts bool, opts auth.Options) (*tls.Config, error) {
	keys := wc.Values.WithPrefix(prefix)
	for k := range keys {
		if k != keyCertLocation && k != keyKeyLocation {
			return nil, fmt.Errorf("%s%s: not supported; give PEM files in %s%s and %s%s", prefix, k, prefix, keyCertLocation, prefix, keyKeyLocation)
		}
	}
	if !slices.ContainsFunc(ls, func(l listener) bool { return l.scheme == "https" }) {
		return nil, nil
	}
	if len(keys) == 0 && fallback != "" {
		prefix, keys = fallback, wc.Values.WithPrefix(fallback)
	}
	cert, key := strings.TrimSpace(keys[keyCertLocation]), strings.TrimSpace(keys[keyKeyLocation])
	if cert == "" || key == "" {
		return nil, fmt.Errorf("https listener: %s%s and %s%s are required", prefix, keyCertLocation, prefix, keyKeyLocation)
	}
	cr, err := auth.NewCertReloader(cert, key, opts)
	if err != nil {
		return nil, err
	}
	return auth.ServerTLSConfig(cr, clientCerts), nil
}

func boolKey(a map[string]string, k string, def bool) (bool, error) {
	v := strings.TrimSpace(a[k])
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s%s %q: want true or false", restAuthPrefix, k, v)
	}
	return b, nil
}

func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// listen opens ls, wrapping the https ones in TLS (admin selects the
// admin.listeners certificate). On error, the listeners opened so far are
// closed.
func (rs *restSecurity) listen(key string, ls []listener, admin bool) ([]net.Listener, error) {
	tc := rs.mainTLS
	if admin {
		tc = rs.adminTLS
	}
	var out []net.Listener
	for _, l := range ls {
		nl, err := net.Listen("tcp", l.addr)
		if err == nil && l.scheme == "https" {
			if tc == nil {
				nl.Close()
				err = errors.New("no TLS settings for an https listener")
			} else {
				nl = httpsListener{tls.NewListener(nl, tc)}
			}
		}
		if err != nil {
			for _, o := range out {
				o.Close()
			}
			return nil, fmt.Errorf("%s: listen on %s: %w", key, l.addr, err)
		}
		out = append(out, nl)
	}
	return out, nil
}

// apply sets the authentication fields of REST server options.
func (rs *restSecurity) apply(o *rest.Options) {
	o.Auth = rs.auth
	o.HealthAuth = !rs.healthOpen
	o.MetricsOpen = rs.metricsOpen
}

// httpsListener marks a listener that speaks TLS.
type httpsListener struct{ net.Listener }

// listenerURL is the URL a listener opened by restSecurity.listen serves
// ("https://127.0.0.1:8443", "http://[::]:8083").
func listenerURL(l net.Listener) string {
	if _, ok := l.(httpsListener); ok {
		return "https://" + l.Addr().String()
	}
	return "http://" + l.Addr().String()
}
