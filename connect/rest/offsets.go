package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) offsetRoutes(e *echo.Echo) {
	e.GET("/connectors/:name/offsets", s.getOffsets)
	e.PATCH("/connectors/:name/offsets", s.alterOffsets)
	e.DELETE("/connectors/:name/offsets", s.resetOffsets)
}

func (s *Server) getOffsets(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	offs, err := s.h.Offsets(ctx, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, offs)
}

func (s *Server) alterOffsets(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	entries, err := readOffsets(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	msg, err := s.h.AlterOffsets(ctx, name, herder.ConnectorOffsets{Offsets: entries})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, msg)
}

func (s *Server) resetOffsets(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	msg, err := s.h.ResetOffsets(ctx, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, msg)
}
