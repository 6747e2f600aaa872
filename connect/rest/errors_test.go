package rest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func TestStatusOf(t *testing.T) {
	rebalance := &herder.Error{Kind: herder.KindRebalanceNeeded, Message: "rebalance"}
	for _, tc := range []struct {
		err  error
		code int
		msg  string
	}{
		{herder.NotFound("Connector x not found"), 404, "Connector x not found"},
		{fmt.Errorf("wrapped: %w", herder.AlreadyExists("Connector x already exists")), 409, "Connector x already exists"},
		{herder.BadRequest("bad"), 400, "bad"},
		{herder.Conflict("busy"), 409, "busy"},
		{herder.Forbidden("Topic tracking is disabled."), 403, "Topic tracking is disabled."},
		{rebalance, 409, "Cannot complete request momentarily due to stale configuration (typically caused by a concurrent config change)"},
		{&rebalanceAs500{rebalance}, 500, "Request cannot be completed because a rebalance is expected"},
		{&rebalanceAs500{herder.NotFound("gone")}, 404, "gone"},
		{&herder.Error{Kind: herder.KindTimeout, Message: "Request timed out. "}, 500, "Request timed out. "},
		{herder.Internal(errors.New("x"), "Failed to find any class"), 500, "Failed to find any class"},
		{&herder.NotLeaderError{}, 409, "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."},
		{echo.ErrNotFound, 404, "HTTP 404 Not Found"},
		{echo.ErrMethodNotAllowed, 405, "HTTP 405 Method Not Allowed"},
		{&bodyError{msg: "Unrecognized field"}, 500, "Unrecognized field"},
		{errors.New("plain"), 500, "plain"},
	} {
		code, msg := statusOf(tc.err)
		if code != tc.code || msg != tc.msg {
			t.Errorf("%v: got %d %q, want %d %q", tc.err, code, msg, tc.code, tc.msg)
		}
	}
}
