package auth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
)

// CertReloader serves a PEM certificate and key pair and loads it again
// when either file changes (checked at most once per ReloadInterval), so
// that renewed certificates are picked up without a restart. A pair that
// fails to load keeps the previous one.
type CertReloader struct {
	pair *reloading[*tls.Certificate]
}

// NewCertReloader loads certFile (the certificate chain, leaf first) and
// keyFile (an unencrypted private key), both PEM.
func NewCertReloader(certFile, keyFile string, opts Options) (*CertReloader, error) {
	if strings.TrimSpace(certFile) == "" || strings.TrimSpace(keyFile) == "" {
		return nil, errors.New("TLS: both a certificate and a key file are required")
	}
	r, err := newReloading("TLS certificate", []string{certFile, keyFile}, opts, func(c [][]byte) (*tls.Certificate, error) {
		pair, err := tls.X509KeyPair(c[0], c[1])
		if err != nil {
			return nil, fmt.Errorf("TLS certificate %s / key %s: %w", certFile, keyFile, err)
		}
		return &pair, nil
	})
	if err != nil {
		return nil, err
	}
	return &CertReloader{pair: r}, nil
}

// GetCertificate is a tls.Config.GetCertificate.
func (c *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.pair.get(), nil
}

// ServerTLSConfig returns the TLS settings of an https listener: TLS 1.2
// at least, the certificate from c, and, when requestClientCerts is set
// (rest.auth=mtls), client certificates requested but verified by MTLS
// rather than by the handshake.
func ServerTLSConfig(c *CertReloader, requestClientCerts bool) *tls.Config {
	tc := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: c.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
	if requestClientCerts {
		tc.ClientAuth = tls.RequestClientCert
	}
	return tc
}
