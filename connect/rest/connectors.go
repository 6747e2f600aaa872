package rest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) connectorRoutes(e *echo.Echo) {
	e.GET("/connectors", s.listConnectors)
	e.POST("/connectors", s.createConnector)
	e.GET("/connectors/:name", s.getConnector)
	e.DELETE("/connectors/:name", s.deleteConnector)
	e.GET("/connectors/:name/config", s.getConfig)
	e.PUT("/connectors/:name/config", s.putConfig)
	e.PATCH("/connectors/:name/config", s.patchConfig)
	e.GET("/connectors/:name/status", s.getStatus)
	e.POST("/connectors/:name/restart", s.restartConnector)
	e.PUT("/connectors/:name/pause", s.pauseConnector)
	e.PUT("/connectors/:name/resume", s.resumeConnector)
	e.PUT("/connectors/:name/stop", s.stopConnector)
}

// expanded is one connector's entry in GET /connectors?expand=...
type expanded struct {
	Status *herder.ConnectorStateInfo `json:"status,omitempty"`
	Info   *herder.ConnectorInfo      `json:"info,omitempty"`
}

func (s *Server) listConnectors(c echo.Context) error {
	ctx, cancel := s.ctx(c)
	defer cancel()
	names, err := s.h.Connectors(ctx)
	if err != nil {
		return err
	}
	expand := c.QueryParams()["expand"]
	if len(expand) == 0 {
		return c.JSON(http.StatusOK, names)
	}
	out := make(map[string]expanded, len(names))
	for _, n := range names {
		var x expanded
		gone := false
		for _, e := range expand {
			switch strings.ToLower(e) {
			case "status":
				st, err := s.h.ConnectorStatus(ctx, n)
				if errors.Is(err, herder.ErrNotFound) {
					gone = true
				} else if err != nil {
					return err
				} else {
					x.Status = &st
				}
			case "info":
				info, err := s.h.ConnectorInfo(ctx, n)
				if errors.Is(err, herder.ErrNotFound) {
					gone = true
				} else if err != nil {
					return err
				} else {
					x.Info = &info
				}
			}
		}
		if !gone {
			out[n] = x
		}
	}
	return c.JSON(http.StatusOK, out)
}

// location is the absolute URL of a connector, for 201 responses.
func location(c echo.Context, name string) string {
	return c.Scheme() + "://" + c.Request().Host + "/connectors/" + url.PathEscape(name)
}

func (s *Server) createConnector(c echo.Context) error {
	b, err := readBody(c)
	if err != nil {
		return err
	}
	var req createRequest
	dec := newDecoder(b)
	if err := dec.Decode(&req); err != nil {
		return jsonError(err, "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest")
	}
	if err := onlyValue(dec, "request"); err != nil {
		return err
	}
	name := ""
	if req.Name != nil {
		name = strings.TrimSpace(*req.Name)
	}
	if err := ValidateConnectorName(name); err != nil {
		return err
	}
	props, nulls, err := decodeConfigMap(req.Config)
	if err != nil {
		return err
	}
	if err := rejectNulls(nulls); err != nil {
		return err
	}
	var initial connect.TargetState
	if req.InitialState != nil {
		switch strings.ToUpper(strings.TrimSpace(*req.InitialState)) {
		case "RUNNING":
			initial = connect.TargetStarted
		case "PAUSED":
			initial = connect.TargetPaused
		case "STOPPED":
			initial = connect.TargetStopped
		default:
			return herder.BadRequest("Invalid initial state %s: must be one of RUNNING, PAUSED, STOPPED", *req.InitialState)
		}
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	_, info, err := s.h.PutConnectorConfig(ctx, name, props, false, initial)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, location(c, info.Name))
	return c.JSON(http.StatusCreated, info)
}

// rejectNulls answers null config values like Kafka's validation does.
func rejectNulls(nulls []string) error {
	if len(nulls) == 0 {
		return nil
	}
	lines := make([]string, len(nulls))
	for i, k := range nulls {
		lines[i] = fmt.Sprintf("Invalid value null for configuration %s: Null value can not be supplied as the configuration value.", k)
	}
	return herder.BadRequest("Connector configuration is invalid and contains the following %d error(s):\n%s\n%s",
		len(lines), strings.Join(lines, "\n"), "You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
}

func (s *Server) getConnector(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	info, err := s.h.ConnectorInfo(ctx, name)
	if err != nil {
		return &rebalanceAs500{err}
	}
	return c.JSON(http.StatusOK, info)
}

func (s *Server) deleteConnector(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.h.DeleteConnector(ctx, name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) getConfig(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	cfg, err := s.h.ConnectorConfig(ctx, name)
	if err != nil {
		return &rebalanceAs500{err}
	}
	return c.JSON(http.StatusOK, cfg)
}

func (s *Server) putConfig(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	if err := ValidateConnectorName(name); err != nil {
		return err
	}
	props, nulls, err := readConfigMap(c)
	if err != nil {
		return err
	}
	if err := rejectNulls(nulls); err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	created, info, err := s.h.PutConnectorConfig(ctx, name, props, true, "")
	if err != nil {
		return err
	}
	if created {
		c.Response().Header().Set(echo.HeaderLocation, location(c, info.Name))
		return c.JSON(http.StatusCreated, info)
	}
	return c.JSON(http.StatusOK, info)
}

func (s *Server) patchConfig(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	props, nulls, err := readConfigMap(c)
	if err != nil {
		return err
	}
	patch := make(map[string]*string, len(props)+len(nulls))
	for k, v := range props {
		patch[k] = &v
	}
	for _, k := range nulls {
		patch[k] = nil
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	info, err := s.h.PatchConnectorConfig(ctx, name, patch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}

func (s *Server) getStatus(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	st, err := s.h.ConnectorStatus(ctx, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// boolQuery parses a boolean query parameter like JAX-RS (anything but
// "true", case-insensitively, is false).
func boolQuery(c echo.Context, name string) bool {
	return strings.EqualFold(strings.TrimSpace(c.QueryParam(name)), "true")
}

func (s *Server) restartConnector(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	req := herder.RestartRequest{IncludeTasks: boolQuery(c, "includeTasks"), OnlyFailed: boolQuery(c, "onlyFailed")}
	ctx, cancel := s.ctx(c)
	defer cancel()
	st, err := s.h.RestartConnector(ctx, name, req)
	if err != nil {
		return err
	}
	if req.Synchronous() || st == nil {
		return c.NoContent(http.StatusNoContent)
	}
	return c.JSON(http.StatusAccepted, st)
}

func (s *Server) pauseConnector(c echo.Context) error {
	return s.targetState(c, s.h.PauseConnector, http.StatusAccepted)
}

func (s *Server) resumeConnector(c echo.Context) error {
	return s.targetState(c, s.h.ResumeConnector, http.StatusAccepted)
}

func (s *Server) stopConnector(c echo.Context) error {
	return s.targetState(c, s.h.StopConnector, http.StatusNoContent)
}
