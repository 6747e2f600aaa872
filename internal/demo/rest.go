package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// restClient calls the worker's REST API with its basic credentials.
// Safe for concurrent use.
type restClient struct {
	base     string
	user     string
	password string
	http     *http.Client
}

func newRESTClient(base, user, password string) *restClient {
	return &restClient{base: strings.TrimRight(base, "/"), user: user, password: password,
		http: &http.Client{Timeout: 30 * time.Second}}
}

// do sends a request with an optional JSON body and decodes a JSON answer
// into out (when not nil). Statuses from 300 up are errors carrying the
// worker's message.
func (c *restClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &e) == nil && e.Message != "" {
			msg = e.Message
		}
		return &restError{status: resp.StatusCode, msg: fmt.Sprintf("%s %s: %s: %s", method, path, resp.Status, msg)}
	}
	if out == nil {
		return nil
	}
	if s, ok := out.(*string); ok {
		*s = string(b)
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// restError is an answer with an error status.
type restError struct {
	status int
	msg    string
}

func (e *restError) Error() string { return e.msg }

// isConflict reports a 409: the herder is rebalancing or its config is
// momentarily stale; the request may be repeated.
func isConflict(err error) bool {
	var re *restError
	return errors.As(err, &re) && re.status == http.StatusConflict
}

// connectorState is one entry of GET /connectors?expand=status&expand=info.
type connectorState struct {
	Status struct {
		Connector struct {
			State string `json:"state"`
			Trace string `json:"trace"`
		} `json:"connector"`
		Tasks []struct {
			ID    int    `json:"id"`
			State string `json:"state"`
			Trace string `json:"trace"`
		} `json:"tasks"`
	} `json:"status"`
	Info struct {
		Type   string            `json:"type"`
		Config map[string]string `json:"config"`
	} `json:"info"`
}

// state returns the connector's state and, when a task is not RUNNING,
// the worst task's state with the first line of its trace.
func (s connectorState) state() (state, problem string) {
	state = s.Status.Connector.State
	if s.Status.Connector.Trace != "" {
		problem = firstLine(s.Status.Connector.Trace)
	}
	if len(s.Status.Tasks) == 0 && state == "RUNNING" {
		return "STARTING", problem
	}
	for _, t := range s.Status.Tasks {
		if t.State != "RUNNING" && t.State != state {
			state = "task " + t.State
			if t.Trace != "" {
				problem = firstLine(t.Trace)
			}
		}
	}
	return state, problem
}

// connectors returns every connector with status and info.
func (c *restClient) connectors(ctx context.Context) (map[string]connectorState, error) {
	var m map[string]connectorState
	if err := c.do(ctx, http.MethodGet, "/connectors?expand=status&expand=info", nil, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// pluginClasses returns the class names of the worker's connector plugins.
func (c *restClient) pluginClasses(ctx context.Context) (map[string]bool, error) {
	var list []struct {
		Class string `json:"class"`
	}
	if err := c.do(ctx, http.MethodGet, "/connector-plugins?connectorsOnly=true", nil, &list); err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(list))
	for _, p := range list {
		out[p.Class] = true
	}
	return out, nil
}

// metrics returns the Prometheus text of GET /metrics.
func (c *restClient) metrics(ctx context.Context) (string, error) {
	var s string
	err := c.do(ctx, http.MethodGet, "/metrics", nil, &s)
	return s, err
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
