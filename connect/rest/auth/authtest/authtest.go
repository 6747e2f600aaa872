// Package authtest makes throw-away certificate authorities and
// certificates for tests of TLS listeners and mutual TLS: ECDSA P-256
// keys, PEM files in a test's temporary directory, loopback names only.
package authtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a test certificate authority.
type CA struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
	// File is the CA certificate as a PEM file.
	File string

	dir    string
	serial int64
}

// NewCA creates a CA named name whose PEM file lives in t.TempDir().
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("authtest: create CA: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("authtest: parse CA: %v", err)
	}
	ca := &CA{Cert: cert, Key: key, CertPEM: pemBlock("CERTIFICATE", der), dir: t.TempDir(), serial: 1}
	ca.File = ca.write(t, name+"-ca.pem", ca.CertPEM)
	return ca
}

// Pool returns a pool holding the CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Issued is a certificate issued by a CA, in memory and as PEM files.
type Issued struct {
	TLS      tls.Certificate
	CertFile string
	KeyFile  string
	CertPEM  []byte
	KeyPEM   []byte
}

// CertOptions describe a certificate to issue.
type CertOptions struct {
	// CommonName is the subject CN.
	CommonName string
	// Server makes a server certificate for 127.0.0.1, ::1 and localhost;
	// otherwise a client certificate.
	Server bool
	// NotBefore and NotAfter default to an hour ago and a day ahead.
	NotBefore, NotAfter time.Time
}

// Issue signs a new certificate.
func (ca *CA) Issue(t testing.TB, o CertOptions) *Issued {
	t.Helper()
	key := newKey(t)
	ca.serial++
	if o.NotBefore.IsZero() {
		o.NotBefore = time.Now().Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(ca.serial), Subject: pkix.Name{CommonName: o.CommonName},
		NotBefore: o.NotBefore, NotAfter: o.NotAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if o.Server {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		t.Fatalf("authtest: issue %s: %v", o.CommonName, err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatalf("authtest: marshal key: %v", err)
	}
	is := &Issued{CertPEM: pemBlock("CERTIFICATE", der), KeyPEM: pemBlock("EC PRIVATE KEY", kder)}
	if is.TLS, err = tls.X509KeyPair(is.CertPEM, is.KeyPEM); err != nil {
		t.Fatalf("authtest: key pair: %v", err)
	}
	base := o.CommonName + "-" + big.NewInt(ca.serial).String()
	is.CertFile = ca.write(t, base+".crt", is.CertPEM)
	is.KeyFile = ca.write(t, base+".key", is.KeyPEM)
	return is
}

func (ca *CA) write(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(ca.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatalf("authtest: write %s: %v", p, err)
	}
	return p
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("authtest: key: %v", err)
	}
	return k
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
