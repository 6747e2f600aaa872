package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect/herder"
)

func (s *Server) serverInfo(c echo.Context) error {
	ctx, cancel := s.ctx(c)
	defer cancel()
	return c.JSON(http.StatusOK, s.h.ServerInfo(ctx))
}

// health answers 200 healthy, 503 starting, 500 unhealthy (KIP-1017).
func (s *Server) health(c echo.Context) error {
	ctx, cancel := s.ctx(c)
	defer cancel()
	st := s.h.Health(ctx)
	code := http.StatusOK
	switch st.Status {
	case herder.HealthStarting:
		code = http.StatusServiceUnavailable
	case herder.HealthUnhealthy:
		code = http.StatusInternalServerError
	}
	return c.JSON(code, st)
}
