package auth

import (
	"errors"
	"net/http"
)

// Error is an authentication or authorisation failure with the HTTP status
// to answer (401 or 403), a message fit for the response body (it never
// holds the presented secret), and for 401 the WWW-Authenticate challenge.
type Error struct {
	Status    int
	Message   string
	Challenge string
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Messages of the 401 answers; they do not tell an unknown user from a
// wrong password.
const (
	MsgMissing = "Authentication required"
	MsgInvalid = "Invalid credentials"
	MsgExpired = "Credentials have expired"
)

// Unauthorized returns a 401 Error with challenge.
func Unauthorized(challenge, msg string) *Error {
	return &Error{Status: http.StatusUnauthorized, Message: msg, Challenge: challenge}
}

// Forbidden returns a 403 Error.
func Forbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Message: msg}
}

// ErrNoCredentials reports a credentials file or list with no entries.
var ErrNoCredentials = errors.New("no credentials configured")
