package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// forwardParam is the hidden query parameter that counts forwarding hops
// between workers (kafka-connect.md §1.6).
const forwardParam = "forward"

// forwardTarget builds the URL a request goes to next, or reports that it
// may not be forwarded again. Hop rule: no forward param → forward=true;
// forward=true → forward=false; forward=false → no further hop.
func forwardTarget(base string, r *http.Request) (string, bool) {
	q := r.URL.Query()
	next := "true"
	if v, ok := q[forwardParam]; ok && len(v) > 0 {
		if !strings.EqualFold(v[0], "true") {
			return "", false
		}
		next = "false"
	}
	q.Set(forwardParam, next)
	return strings.TrimRight(base, "/") + r.URL.EscapedPath() + "?" + q.Encode(), true
}

// forward sends the request to the worker at base and copies its answer
// back, converting failures as Kafka's RestClient does.
func (s *Server) forward(c echo.Context, base string) {
	req := c.Request()
	target, ok := forwardTarget(base, req)
	if !ok {
		s.writeError(c, http.StatusConflict, "Cannot complete request because of a conflicting operation (e.g. worker rebalance)")
		return
	}
	if _, err := url.Parse(target); err != nil {
		s.writeError(c, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err.Error())
		return
	}
	body, err := readBody(c)
	if err != nil {
		code, msg := statusOf(err)
		s.writeError(c, code, msg)
		return
	}
	out, err := http.NewRequestWithContext(req.Context(), req.Method, target, bytes.NewReader(body))
	if err != nil {
		s.writeError(c, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err.Error())
		return
	}
	// Authorization as Kafka's RestClient; the KIP-507 signature headers so
	// that an internal request reaches the leader still verifiable (the body
	// is forwarded byte for byte).
	for _, h := range []string{"Authorization", HeaderSignature, HeaderSignatureAlgorithm} {
		if v := req.Header.Get(h); v != "" {
			out.Header.Set(h, v)
		}
	}
	out.Header.Set("Accept", "application/json")
	out.Header.Set("User-Agent", "kafka-connect")
	if len(body) > 0 {
		out.Header.Set("Content-Type", "application/json")
	}
	s.log.Debug("forwarding REST request", "method", req.Method, "target", target)
	resp, err := s.client.Do(out)
	if err != nil {
		s.writeError(c, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err.Error())
		return
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, s.bodyLimit))
	if err != nil {
		s.writeError(c, http.StatusInternalServerError, "IO Error trying to forward REST request: "+err.Error())
		return
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		for _, h := range []string{echo.HeaderContentType, echo.HeaderLocation} {
			if v := resp.Header.Get(h); v != "" {
				c.Response().Header().Set(h, v)
			}
		}
		c.Response().WriteHeader(resp.StatusCode)
		_, _ = c.Response().Write(b)
	case resp.StatusCode >= 400 && resp.StatusCode < 600:
		var eb ErrorBody
		if json.Unmarshal(b, &eb) != nil || eb.Message == "" {
			eb.Message = strings.TrimSpace(string(b))
		}
		s.writeError(c, resp.StatusCode, eb.Message)
	default:
		s.writeError(c, http.StatusInternalServerError, fmt.Sprintf("Unexpected status code when handling forwarded request: %d", resp.StatusCode))
	}
}

func (s *Server) writeError(c echo.Context, code int, msg string) {
	_ = c.JSON(code, ErrorBody{ErrorCode: code, Message: msg})
}
