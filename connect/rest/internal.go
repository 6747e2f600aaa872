package rest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

// Internal endpoints between workers of one distributed cluster (§1.7):
// POST /connectors/{c}/tasks, by which a follower hands the leader the task
// configs its connector generated, and PUT /connectors/{c}/fence (KIP-618).
// Under the "sessioned" protocol both are signed with the session key the
// leader distributes through the config topic (KIP-507): the HMAC of the
// exact request body in X-Connect-Authorization (base64) and the algorithm
// in X-Connect-Request-Signature-Algorithm. The signature is checked before
// anything else, so an unsigned request about an unknown connector is a 400,
// not a 404. The routes exist only when the herder implements
// herder.InternalHerder (distributed mode).

// Headers of KIP-507 signed requests.
const (
	HeaderSignature          = "X-Connect-Authorization"
	HeaderSignatureAlgorithm = "X-Connect-Request-Signature-Algorithm"
)

// internalRoutes registers the internal endpoints when the herder serves
// them.
func (s *Server) internalRoutes(e *echo.Echo) {
	ih, ok := s.h.(herder.InternalHerder)
	if !ok {
		return
	}
	e.POST("/connectors/:name/tasks", func(c echo.Context) error { return s.putTaskConfigs(c, ih) })
	e.PUT("/connectors/:name/fence", func(c echo.Context) error { return s.fenceZombies(c, ih) })
}

func (s *Server) putTaskConfigs(c echo.Context, ih herder.InternalHerder) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if code, msg := VerifySignature(c.Request().Header, body, ih.RequestSigning()); code != 0 {
		s.writeError(c, code, msg)
		return nil
	}
	var configs []map[string]string
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&configs); err != nil {
		return jsonError(err, "java.util.List<java.util.Map<java.lang.String, java.lang.String>>")
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := ih.PutTaskConfigs(ctx, name, configs); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) fenceZombies(c echo.Context, ih herder.InternalHerder) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if code, msg := VerifySignature(c.Request().Header, body, ih.RequestSigning()); code != 0 {
		s.writeError(c, code, msg)
		return nil
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := ih.FenceZombies(ctx, name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// macFor returns the hash of a JCA Mac name, nil when unsupported.
func macFor(alg string) func() hash.Hash {
	switch alg {
	case "HmacSHA1":
		return sha1.New
	case "HmacSHA224":
		return sha256.New224
	case "HmacSHA256":
		return sha256.New
	case "HmacSHA384":
		return sha512.New384
	case "HmacSHA512":
		return sha512.New
	}
	return nil
}

// Sign returns the base64 HMAC of body with key under alg (a JCA name such
// as HmacSHA256), the value of X-Connect-Authorization.
func Sign(alg string, key, body []byte) (string, error) {
	h := macFor(alg)
	if h == nil {
		return "", fmt.Errorf("unsupported signature algorithm %q", alg)
	}
	m := hmac.New(h, key)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// VerifySignature checks an internal request's signature as Kafka's
// InternalRequestSignature does and returns 0 when it may proceed, else the
// status code and message to answer: 400 when the headers are missing or
// name an algorithm not accepted, 503 when no session key is known yet, 403
// when the signature does not match. Nothing is checked when signing is
// not required.
func VerifySignature(h http.Header, body []byte, s herder.RequestSigning) (int, string) {
	if !s.Required {
		return 0, ""
	}
	sig, alg := h.Get(HeaderSignature), h.Get(HeaderSignatureAlgorithm)
	if sig == "" || alg == "" {
		return http.StatusBadRequest, "Internal request missing required signature"
	}
	if !slices.Contains(s.VerificationAlgorithms, alg) || macFor(alg) == nil {
		return http.StatusBadRequest, fmt.Sprintf("This worker does not support the requested signature algorithm %s; supported algorithms: %s",
			alg, strings.Join(s.VerificationAlgorithms, ", "))
	}
	if s.Key == nil {
		return http.StatusServiceUnavailable, "This worker is still starting up and has not been able to read a session key from the config topic yet"
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return http.StatusForbidden, "Internal request contained invalid signature."
	}
	m := hmac.New(macFor(alg), s.Key)
	m.Write(body)
	if !hmac.Equal(got, m.Sum(nil)) {
		return http.StatusForbidden, "Internal request contained invalid signature."
	}
	return 0, ""
}

// InternalClient sends internal requests to other workers; it implements
// herder.TaskConfigPublisher. Safe for concurrent use.
type InternalClient struct {
	http *http.Client
}

// NewInternalClient returns a client over c (a default one with a 30 s
// timeout when nil).
func NewInternalClient(c *http.Client) *InternalClient {
	if c == nil {
		c = &http.Client{Timeout: DefaultRequestTimeout}
	}
	return &InternalClient{http: c}
}

// PublishTaskConfigs implements herder.TaskConfigPublisher: POST
// <leader>/connectors/<c>/tasks with the JSON array of task configs,
// signed when signing requires it. Any answer but 2xx is an error carrying
// the leader's message.
func (ic *InternalClient) PublishTaskConfigs(ctx context.Context, leaderURL, connector string, configs []map[string]string, s herder.RequestSigning) error {
	if configs == nil {
		configs = []map[string]string{}
	}
	body, err := json.Marshal(configs)
	if err != nil {
		return fmt.Errorf("encode task configs of %s: %w", connector, err)
	}
	target := strings.TrimRight(leaderURL, "/") + "/connectors/" + url.PathEscape(connector) + "/tasks"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("task configs of %s: %w", connector, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "kafka-connect")
	if s.Required {
		if s.Key == nil {
			return fmt.Errorf("task configs of %s: no session key read from the config topic yet", connector)
		}
		sig, err := Sign(s.SignatureAlgorithm, s.Key, body)
		if err != nil {
			return fmt.Errorf("task configs of %s: %w", connector, err)
		}
		req.Header.Set(HeaderSignature, sig)
		req.Header.Set(HeaderSignatureAlgorithm, s.SignatureAlgorithm)
	}
	resp, err := ic.http.Do(req)
	if err != nil {
		return fmt.Errorf("send task configs of %s to %s: %w", connector, leaderURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		var eb ErrorBody
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &eb) == nil && eb.Message != "" {
			msg = eb.Message
		}
		return fmt.Errorf("send task configs of %s to %s: %d %s", connector, leaderURL, resp.StatusCode, msg)
	}
	return nil
}

var _ herder.TaskConfigPublisher = (*InternalClient)(nil)
