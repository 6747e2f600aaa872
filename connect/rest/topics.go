package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) topicRoutes(e *echo.Echo) {
	e.GET("/connectors/:name/topics", s.activeTopics)
	e.PUT("/connectors/:name/topics/reset", s.resetTopics)
}

// activeTopicsInfo is Kafka's ActiveTopicsInfo.
type activeTopicsInfo struct {
	Topics []string `json:"topics"`
}

func (s *Server) activeTopics(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	if enabled, _ := s.h.TopicTracking(); !enabled {
		return herder.Forbidden("Topic tracking is disabled.")
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	topics, err := s.h.ActiveTopics(ctx, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]activeTopicsInfo{name: {Topics: topics}})
}

func (s *Server) resetTopics(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	enabled, allowReset := s.h.TopicTracking()
	if !enabled {
		return herder.Forbidden("Topic tracking is disabled.")
	}
	if !allowReset {
		return herder.Forbidden("Topic tracking reset is disabled.")
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.h.ResetActiveTopics(ctx, name); err != nil {
		return err
	}
	return c.NoContent(http.StatusAccepted)
}
