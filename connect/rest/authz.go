package rest

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
	"github.com/onecconnect/onecconnect/connect/rest/auth"
)

// principalKey is where the authenticated auth.Principal is kept in the
// echo context.
const principalKey = "onecconnect.principal"

// signatureHeader carries a KIP-507 request signature (kafka-connect.md
// §1.7).
const signatureHeader = "X-Connect-Authorization"

// access returns the role a request needs, from its method and route
// template (c.Path()), and whether it is served without authentication.
// Endpoint classes:
//
//   - open: GET /health (unless Options.HealthAuth), GET /metrics when
//     Options.MetricsOpen, CORS preflights, and internal requests
//     (§1.7) that carry a KIP-507 signature while the herder requires
//     signatures (connect.protocol=sessioned): their handler verifies the
//     signature instead, and answers 403 when it does not match. Unsigned
//     internal requests, or any while signing is off, need the admin
//     role;
//   - admin: /admin/loggers (any method) and every request that is not a
//     GET or HEAD — create, config changes, pause/resume/stop, restarts,
//     deletes, offsets changes, topic resets, validation;
//   - readonly: every other GET or HEAD, including unknown paths (so an
//     anonymous caller cannot probe which routes exist).
func (s *Server) access(r *http.Request, route string) (need auth.Role, open bool) {
	switch {
	case route == "/health" && !s.healthAuth:
		return auth.RoleNone, true
	case route == "/metrics" && s.metricsOpen:
		return auth.RoleNone, true
	case r.Method == http.MethodOptions && s.allowOrigin != "":
		return auth.RoleNone, true
	case isInternalRoute(r.Method, route) && r.Header.Get(signatureHeader) != "" && s.signingRequired():
		return auth.RoleNone, true
	case strings.HasPrefix(route, "/admin/"):
		return auth.RoleAdmin, false
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		return auth.RoleReadOnly, false
	}
	return auth.RoleAdmin, false
}

// signingRequired reports whether the herder checks KIP-507 signatures now.
func (s *Server) signingRequired() bool {
	ih, ok := s.h.(herder.InternalHerder)
	return ok && ih.RequestSigning().Required
}

// isInternalRoute reports the worker-to-worker endpoints of §1.7.
func isInternalRoute(method, route string) bool {
	return method == http.MethodPost && route == "/connectors/:name/tasks" ||
		method == http.MethodPut && route == "/connectors/:name/fence"
}

// authenticate is the middleware that enforces Options.Auth (a no-op
// when it is nil): 401 for missing, wrong or expired credentials, 403 when
// the principal's role is below the endpoint's, both in Kafka's error
// shape. It runs after routing, so the route template is known.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	if s.auth == nil {
		return next
	}
	return func(c echo.Context) error {
		req := c.Request()
		need, open := s.access(req, c.Path())
		if open {
			return next(c)
		}
		p, err := s.auth.Authenticate(req)
		if err != nil {
			var ae *auth.Error
			if !errors.As(err, &ae) {
				ae = auth.Unauthorized("", auth.MsgInvalid)
			}
			s.log.Warn("REST authentication failed", "scheme", s.auth.Scheme(), "method", req.Method,
				"path", req.URL.EscapedPath(), "remote", req.RemoteAddr, "reason", ae.Message)
			return ae
		}
		if !p.Role.Allows(need) {
			s.log.Warn("REST request forbidden", "principal", p.Name, "role", p.Role.String(), "need", need.String(),
				"method", req.Method, "path", req.URL.EscapedPath(), "remote", req.RemoteAddr)
			return auth.Forbidden("Principal " + p.Name + " (role " + p.Role.String() + ") may not " + req.Method + " " +
				routeLabel(c) + "; the " + need.String() + " role is required")
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// routeLabel is the route template, or the escaped path when no route
// matched.
func routeLabel(c echo.Context) string {
	if p := c.Path(); p != "" && p != "/*" {
		return p
	}
	return c.Request().URL.EscapedPath()
}

// PrincipalOf returns the principal a request was authenticated as; ok is
// false when authentication is off or the endpoint is open.
func PrincipalOf(c echo.Context) (auth.Principal, bool) {
	p, ok := c.Get(principalKey).(auth.Principal)
	return p, ok
}
