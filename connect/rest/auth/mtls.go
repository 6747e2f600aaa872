package auth

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// MTLSOptions configure NewMTLS.
type MTLSOptions struct {
	Options
	// CAFile is the PEM bundle client certificates must chain to.
	CAFile string
	// Roles maps a certificate subject's common name to its role.
	Roles map[string]Role
	// DefaultRole is the role of a trusted certificate whose CN is not in
	// Roles (RoleNone: it is authenticated, then refused with 403).
	DefaultRole Role
}

// ParseCNRoles parses a "cn:role" list (a CN may itself hold ':'; the
// last one separates the role).
func ParseCNRoles(list []string) (map[string]Role, error) {
	out := make(map[string]Role, len(list))
	for _, e := range list {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		i := strings.LastIndexByte(e, ':')
		if i <= 0 {
			return nil, fmt.Errorf("%q: want common-name:role", e)
		}
		r, err := ParseRole(e[i+1:])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", e, err)
		}
		out[e[:i]] = r
	}
	return out, nil
}

// MTLS authenticates the client certificate of a TLS connection. The TLS
// layer only requests the certificate (tls.RequestClientCert, see
// ServerTLSConfig); MTLS verifies it against the CA file on every request,
// so that a missing, untrusted or expired certificate gets a 401 JSON
// answer rather than a handshake failure, and /health can stay open.
type MTLS struct {
	pool *reloading[*x509.CertPool]
	opts MTLSOptions
}

// NewMTLS reads the CA file and re-reads it when it changes.
func NewMTLS(opts MTLSOptions) (*MTLS, error) {
	if strings.TrimSpace(opts.CAFile) == "" {
		return nil, errors.New("mtls: a CA file is required")
	}
	r, err := newReloading("mTLS CA file", []string{opts.CAFile}, opts.Options, func(c [][]byte) (*x509.CertPool, error) {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(c[0]) {
			return nil, fmt.Errorf("mTLS CA file %s: no PEM certificate found", opts.CAFile)
		}
		return pool, nil
	})
	if err != nil {
		return nil, err
	}
	return &MTLS{pool: r, opts: opts}, nil
}

// Scheme implements Authenticator.
func (m *MTLS) Scheme() string { return "mtls" }

// Authenticate implements Authenticator.
func (m *MTLS) Authenticate(r *http.Request) (Principal, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return Principal{}, Unauthorized("", "Client certificate required")
	}
	leaf := r.TLS.PeerCertificates[0]
	inter := x509.NewCertPool()
	for _, c := range r.TLS.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots: m.pool.get(), Intermediates: inter, CurrentTime: m.opts.now(),
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	if err != nil {
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			return Principal{}, Unauthorized("", "Client certificate has expired or is not yet valid")
		}
		return Principal{}, Unauthorized("", "Client certificate is not trusted")
	}
	cn := leaf.Subject.CommonName
	role, ok := m.opts.Roles[cn]
	if !ok {
		role = m.opts.DefaultRole
	}
	return Principal{Name: cn, Role: role}, nil
}
