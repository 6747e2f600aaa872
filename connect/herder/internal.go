package herder

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// KIP-507 defaults (inter.worker.* worker keys, kafka-connect.md §1.7, §7.4).
const (
	DefaultKeyAlgorithm       = "HmacSHA256"
	DefaultSignatureAlgorithm = "HmacSHA256"
	DefaultKeyTTL             = time.Hour
)

// RequestSigning is what a worker needs to sign and verify internal REST
// requests (KIP-507): the current session key and the algorithms in use.
// The REST layer asks the herder for it on every internal request.
type RequestSigning struct {
	// Required is true when the group runs the "sessioned" protocol: only
	// then are internal requests signed and checked.
	Required bool
	// Key is the session key read from the config topic; nil when none has
	// been read yet (the REST layer answers 503 then).
	Key []byte
	// SignatureAlgorithm signs outgoing requests
	// (inter.worker.signature.algorithm).
	SignatureAlgorithm string
	// VerificationAlgorithms are accepted on incoming requests
	// (inter.worker.verification.algorithms).
	VerificationAlgorithms []string
}

// InternalHerder is the distributed herder's side of the worker-to-worker
// endpoints the REST layer serves besides the public API: POST
// /connectors/{c}/tasks (a follower hands the task configs its connector
// generated to the leader) and PUT /connectors/{c}/fence (KIP-618). The
// REST layer checks request signatures with RequestSigning before calling
// the other methods. Safe for concurrent use; methods honour ctx like
// Herder's.
type InternalHerder interface {
	Herder
	// RequestSigning returns the signing state to check requests against.
	RequestSigning() RequestSigning
	// PutTaskConfigs stores a connector's task configs; only the leader
	// does (others answer *NotLeaderError).
	PutTaskConfigs(ctx context.Context, connector string, configs []map[string]string) error
	// FenceZombies fences the producers of a connector's previous task
	// generation (exactly-once source support).
	FenceZombies(ctx context.Context, connector string) error
}

// TaskConfigPublisher sends task configs generated on a follower to the
// leader's internal endpoint, signed as signing says. It is how the herder
// talks HTTP without knowing it (connect/rest implements it). A non-nil
// error means the leader did not store them; the herder retries.
type TaskConfigPublisher interface {
	PublishTaskConfigs(ctx context.Context, leaderURL, connector string, configs []map[string]string, signing RequestSigning) error
}

// SigningConfig is the worker's KIP-507 settings.
type SigningConfig struct {
	// KeyAlgorithm generates session keys
	// (inter.worker.key.generation.algorithm).
	KeyAlgorithm string
	// KeySize is the key size in bits (inter.worker.key.size); 0 means the
	// algorithm's default (its hash's block output size).
	KeySize int
	// KeyTTL is how long a session key is used before the leader rotates
	// it (inter.worker.key.ttl.ms).
	KeyTTL time.Duration
	// SignatureAlgorithm and VerificationAlgorithms are as in
	// RequestSigning.
	SignatureAlgorithm     string
	VerificationAlgorithms []string
}

// hmacAlgorithms are the JCA Mac names this worker can sign and verify
// with, and their default key sizes in bytes.
var hmacAlgorithms = map[string]int{
	"HmacSHA1":   20,
	"HmacSHA224": 28,
	"HmacSHA256": 32,
	"HmacSHA384": 48,
	"HmacSHA512": 64,
}

// SupportedHMAC reports whether alg (a JCA name such as HmacSHA256) can be
// used for session keys and signatures.
func SupportedHMAC(alg string) bool {
	_, ok := hmacAlgorithms[alg]
	return ok
}

// normalized fills defaults and checks the algorithms; the error names the
// worker key at fault.
func (c SigningConfig) normalized() (SigningConfig, error) {
	if c.KeyAlgorithm == "" {
		c.KeyAlgorithm = DefaultKeyAlgorithm
	}
	if c.SignatureAlgorithm == "" {
		c.SignatureAlgorithm = DefaultSignatureAlgorithm
	}
	if len(c.VerificationAlgorithms) == 0 {
		c.VerificationAlgorithms = []string{DefaultSignatureAlgorithm}
	}
	if c.KeyTTL <= 0 {
		c.KeyTTL = DefaultKeyTTL
	}
	if !SupportedHMAC(c.KeyAlgorithm) {
		return c, fmt.Errorf("inter.worker.key.generation.algorithm: unsupported algorithm %q (supported: %s)", c.KeyAlgorithm, supportedList())
	}
	if !SupportedHMAC(c.SignatureAlgorithm) {
		return c, fmt.Errorf("inter.worker.signature.algorithm: unsupported algorithm %q (supported: %s)", c.SignatureAlgorithm, supportedList())
	}
	found := false
	for _, a := range c.VerificationAlgorithms {
		if !SupportedHMAC(a) {
			return c, fmt.Errorf("inter.worker.verification.algorithms: unsupported algorithm %q (supported: %s)", a, supportedList())
		}
		found = found || a == c.SignatureAlgorithm
	}
	if !found {
		return c, fmt.Errorf("inter.worker.verification.algorithms: must contain the signature algorithm %s", c.SignatureAlgorithm)
	}
	if c.KeySize < 0 || c.KeySize%8 != 0 {
		return c, fmt.Errorf("inter.worker.key.size: %d is not a positive multiple of 8", c.KeySize)
	}
	return c, nil
}

func supportedList() string {
	return strings.Join([]string{"HmacSHA1", "HmacSHA224", "HmacSHA256", "HmacSHA384", "HmacSHA512"}, ", ")
}

// keyBytes returns the session key length in bytes.
func (c SigningConfig) keyBytes() int {
	if c.KeySize > 0 {
		return c.KeySize / 8
	}
	return hmacAlgorithms[c.KeyAlgorithm]
}
