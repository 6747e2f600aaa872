package rest

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/onecconnect/onecconnect/connect"
)

func (s *Server) taskRoutes(e *echo.Echo) {
	e.GET("/connectors/:name/tasks", s.listTasks)
	e.GET("/connectors/:name/tasks-config", s.tasksConfig)
	e.GET("/connectors/:name/tasks/:task/status", s.taskStatus)
	e.POST("/connectors/:name/tasks/:task/restart", s.restartTask)
}

// targetState runs a pause/resume/stop call and answers with code.
func (s *Server) targetState(c echo.Context, fn func(context.Context, string) error, code int) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := fn(ctx, name); err != nil {
		return err
	}
	return c.NoContent(code)
}

// taskID reads {name} and {task}; a task that is not a number is an
// unknown route (404), as in JAX-RS.
func taskID(c echo.Context) (connect.TaskID, error) {
	name, err := param(c, "name")
	if err != nil {
		return connect.TaskID{}, err
	}
	n, err := strconv.Atoi(c.Param("task"))
	if err != nil {
		return connect.TaskID{}, echo.ErrNotFound
	}
	return connect.TaskID{Connector: name, Task: n}, nil
}

func (s *Server) listTasks(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	tasks, err := s.h.Tasks(ctx, name)
	if err != nil {
		return &rebalanceAs500{err}
	}
	return c.JSON(http.StatusOK, tasks)
}

func (s *Server) tasksConfig(c echo.Context) error {
	name, err := param(c, "name")
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	cfg, err := s.h.TaskConfigs(ctx, name)
	if err != nil {
		return &rebalanceAs500{err}
	}
	return c.JSON(http.StatusOK, cfg)
}

func (s *Server) taskStatus(c echo.Context) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	st, err := s.h.TaskStatus(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

func (s *Server) restartTask(c echo.Context) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	ctx, cancel := s.ctx(c)
	defer cancel()
	if err := s.h.RestartTask(ctx, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
