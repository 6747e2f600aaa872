package common

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrCredentialsInURL is wrapped when database.url carries a user or a
	// password.
	ErrCredentialsInURL = errors.New("credentials in database.url")
	// ErrObjectRemoved is returned by Catalog users when a configured 1C
	// object disappeared from the configuration after a reload.
	ErrObjectRemoved = errors.New("1C object removed from the configuration")
	// ErrUnsupportedType is returned by DialectColumn for a metadata column
	// of a kind the dialects do not read.
	ErrUnsupportedType = errors.New("unsupported 1C type")
)

// IsConnectionError reports whether err looks like a lost or refused
// database connection (worth retrying with back-off) rather than a problem
// with the statement or the data. Context cancellation is not one.
func IsConnectionError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exception; 57P01..57P03: admin shutdown,
		// crash shutdown, cannot connect now; 40001/40P01 are retriable too.
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P") ||
			pe.Code == "40001" || pe.Code == "40P01"
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return true
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"connection reset", "broken pipe", "connection refused", "conn closed",
		"closed pool", "bad connection", "unexpected eof", "failed to connect", "i/o timeout", "server closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
