package rest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
)

// ErrorBody is Kafka Connect's error response: error_code equals the HTTP
// status.
type ErrorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// bodyError is a request body that could not be decoded (Kafka answers
// Jackson's failures with 500).
type bodyError struct{ msg string }

func (e *bodyError) Error() string { return e.msg }

// rebalanceAs500 marks errors of the GET endpoints that answer a pending
// rebalance with 500 rather than 409 (Kafka's quirk, kafka-connect.md §1.6).
type rebalanceAs500 struct{ err error }

func (e *rebalanceAs500) Error() string { return e.err.Error() }
func (e *rebalanceAs500) Unwrap() error { return e.err }

// statusOf maps an error to Kafka Connect's status code and message: the
// one place where herder error kinds become HTTP statuses.
func statusOf(err error) (int, string) {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		code := he.Code
		if code == http.StatusRequestEntityTooLarge {
			return code, "Request body is too large"
		}
		return code, fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
	}
	var ae *auth.Error
	if errors.As(err, &ae) {
		return ae.Status, ae.Message
	}
	var be *bodyError
	if errors.As(err, &be) {
		return http.StatusInternalServerError, be.msg
	}
	var nl *herder.NotLeaderError
	if errors.As(err, &nl) {
		return http.StatusConflict, nl.Error()
	}
	var he2 *herder.Error
	if !errors.As(err, &he2) {
		return http.StatusInternalServerError, err.Error()
	}
	switch he2.Kind {
	case herder.KindNotFound:
		return http.StatusNotFound, he2.Message
	case herder.KindAlreadyExists, herder.KindConflict:
		return http.StatusConflict, he2.Message
	case herder.KindBadRequest:
		return http.StatusBadRequest, he2.Message
	case herder.KindForbidden:
		return http.StatusForbidden, he2.Message
	case herder.KindRebalanceNeeded:
		var q *rebalanceAs500
		if errors.As(err, &q) {
			return http.StatusInternalServerError, "Request cannot be completed because a rebalance is expected"
		}
		return http.StatusConflict, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"
	}
	return http.StatusInternalServerError, he2.Message
}

// handleError is the echo HTTPErrorHandler: it forwards requests another
// worker must serve, and writes every other error as Kafka's JSON body.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var nl *herder.NotLeaderError
	if errors.As(err, &nl) && nl.URL != "" {
		s.forward(c, nl.URL)
		return
	}
	code, msg := statusOf(err)
	var ae *auth.Error
	if errors.As(err, &ae) && ae.Challenge != "" {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, ae.Challenge)
	}
	if code >= 500 {
		s.log.Error("REST request failed", "method", c.Request().Method, "path", c.Request().URL.EscapedPath(), "status", code, "err", msg)
	} else {
		s.log.Debug("REST request rejected", "method", c.Request().Method, "path", c.Request().URL.EscapedPath(), "status", code, "err", msg)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	_ = c.JSON(code, ErrorBody{ErrorCode: code, Message: msg})
}
