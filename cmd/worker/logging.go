package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/onecconnect/onecconnect/connect/rest"
)

// keyLogLevel is our worker key for the root log level (TRACE, DEBUG,
// INFO, WARN, ERROR, FATAL, OFF); /admin/loggers changes levels later.
const keyLogLevel = "log.level"

// newLogging builds the text logger on w (stderr) whose levels the REST
// /admin/loggers endpoints control.
func newLogging(w io.Writer, level string) (*slog.Logger, *rest.LogLevels, error) {
	root := slog.LevelInfo
	if strings.TrimSpace(level) != "" {
		l, ok := rest.ParseLevel(level)
		if !ok {
			return nil, nil, fmt.Errorf("%s: invalid log level %q (want TRACE, DEBUG, INFO, WARN, ERROR, FATAL or OFF)", keyLogLevel, level)
		}
		root = l
	}
	levels := rest.NewLogLevels(root)
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.Level(-100)})
	return slog.New(levels.Handler(h)), levels, nil
}
