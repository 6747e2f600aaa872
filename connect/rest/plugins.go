package rest

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) pluginRoutes(e *echo.Echo) {
	e.GET("/connector-plugins", s.listPlugins)
	e.GET("/connector-plugins/:plugin/config", s.pluginConfig)
	e.PUT("/connector-plugins/:plugin/config/validate", s.validateConfig)
}

func (s *Server) listPlugins(c echo.Context) error {
	connectorsOnly := true
	if v := c.QueryParam("connectorsOnly"); v != "" {
		connectorsOnly = strings.EqualFold(strings.TrimSpace(v), "true")
	}
	return c.JSON(http.StatusOK, s.h.Plugins(connectorsOnly))
}

func (s *Server) pluginConfig(c echo.Context) error {
	name, err := param(c, "plugin")
	if err != nil {
		return err
	}
	keys, err := s.h.PluginConfig(name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, keys)
}

// normalizedPluginName drops a trailing "Connector" (Kafka's
// ConnectorPluginsResource.normalizedPluginName).
func normalizedPluginName(s string) string {
	return strings.TrimSuffix(strings.TrimSpace(s), "Connector")
}

func (s *Server) validateConfig(c echo.Context) error {
	plugin, err := param(c, "plugin")
	if err != nil {
		return err
	}
	props, nulls, err := readConfigMap(c)
	if err != nil {
		return err
	}
	if err := rejectNulls(nulls); err != nil {
		return err
	}
	if class, ok := props[connect.KeyConnectorClass]; ok &&
		!strings.HasSuffix(normalizedPluginName(class), normalizedPluginName(plugin)) {
		return herder.BadRequest("Included connector type %s does not match request type %s", class, plugin)
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	infos, err := s.h.ValidateConfig(ctx, props)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, infos)
}
