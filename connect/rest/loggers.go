package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) listLoggers(c echo.Context) error {
	return c.JSON(http.StatusOK, s.levels.All())
}

func (s *Server) getLogger(c echo.Context) error {
	name, err := param(c, "logger")
	if err != nil {
		return err
	}
	lv, ok := s.levels.Get(name)
	if !ok {
		return herder.NotFound("Logger %s not found.", name)
	}
	return c.JSON(http.StatusOK, lv)
}

// setLogger is PUT /admin/loggers/{name}: scope=worker (default, any
// unknown scope too) answers 200 with the affected loggers; scope=cluster
// applies the level on this worker (the only one in standalone mode) and
// answers 204. An unknown level is 404, as in Kafka.
func (s *Server) setLogger(c echo.Context) error {
	name, err := param(c, "logger")
	if err != nil {
		return err
	}
	b, err := readBody(c)
	if err != nil {
		return err
	}
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&body); err != nil {
		return jsonError(err, "java.util.Map<java.lang.String,java.lang.String>")
	}
	raw, ok := body["level"].(string)
	if !ok || strings.TrimSpace(raw) == "" {
		return herder.BadRequest("The request body must specify a 'level' field")
	}
	level, ok := ParseLevel(raw)
	if !ok {
		return herder.NotFound("invalid log level '%s'.", raw)
	}
	affected := s.levels.Set(name, level, time.Now())
	s.log.Info("logger level changed", "name", name, "level", LevelName(level), "affected", len(affected))
	if strings.EqualFold(c.QueryParam("scope"), "cluster") {
		return c.NoContent(http.StatusNoContent)
	}
	return c.JSON(http.StatusOK, affected)
}
