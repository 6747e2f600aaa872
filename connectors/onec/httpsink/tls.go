package httpsink

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// tlsOptions are the ssl.* settings.
type tlsOptions struct {
	caFile     string
	certFile   string
	keyFile    string
	skipVerify bool
}

// check returns per-key messages for files that are missing or do not
// parse; nil when the options are usable.
func (o tlsOptions) check() map[string]string {
	out := map[string]string{}
	if o.caFile != "" {
		if _, err := o.caPool(); err != nil {
			out[KeySSLCALocation] = err.Error()
		}
	}
	switch {
	case o.certFile != "" && o.keyFile == "":
		out[KeySSLKeyLocation] = fmt.Sprintf("%s is set: the client key is needed too", KeySSLCertLocation)
	case o.certFile == "" && o.keyFile != "":
		out[KeySSLCertLocation] = fmt.Sprintf("%s is set: the client certificate is needed too", KeySSLKeyLocation)
	case o.certFile != "":
		if _, err := tls.LoadX509KeyPair(o.certFile, o.keyFile); err != nil {
			out[KeySSLCertLocation] = fmt.Sprintf("cannot load the client certificate and key: %v", err)
		}
	}
	return out
}

func (o tlsOptions) caPool() (*x509.CertPool, error) {
	pem, err := os.ReadFile(o.caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate", o.caFile)
	}
	return pool, nil
}

// config builds the client TLS configuration.
func (o tlsOptions) config() (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.skipVerify} //nolint:gosec // opt-in, documented
	if o.caFile != "" {
		pool, err := o.caPool()
		if err != nil {
			return nil, err
		}
		c.RootCAs = pool
	}
	if o.certFile != "" {
		cert, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		c.Certificates = []tls.Certificate{cert}
	}
	return c, nil
}
