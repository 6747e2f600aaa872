package main

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/rest"
)

// keyLogLevel is our worker key for the root log level (TRACE, DEBUG,
// INFO, WARN, ERROR, FATAL, OFF); /admin/loggers changes levels later.
const keyLogLevel = "log.level"

// newLogging builds the text logger on w (stderr) whose levels the REST
// /admin/loggers endpoints control. Every line passes through redactAttr:
// a second line of defence behind the runtime's own masking.
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
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.Level(-100), ReplaceAttr: redactAttr})
	return slog.New(levels.Handler(h)), levels, nil
}

// secretInText matches credentials embedded in free text: the password of
// a URL's user info (postgres://user:PASSWORD@host, sqlserver://…), and
// key=value pairs of DSNs and JAAS lines whose key names a secret
// (password=…, pwd=…, "password=\"…\"", token: …).
var secretInText = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(://[^/:@\s"']+:)[^@\s"']+@`), "${1}" + config.HiddenValue + "@"},
	{regexp.MustCompile(`(?i)\b((?:password|passwd|pwd|secret|token|api[._-]?key)\s*[=:]\s*)("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;,&"')]+)`),
		"${1}" + config.HiddenValue},
}

// redactText scrubs secretInText patterns from s.
func redactText(s string) string {
	for _, p := range secretInText {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// redactAttr is the handler's ReplaceAttr: an attribute whose key looks
// secret (config.LooksSecret) is replaced by [hidden], a map[string]string
// value (a config) is masked with config.MaskPasswords, strings and errors
// lose embedded credentials (redactText). The message itself is passed
// through redactText by the handler as the "msg" attribute.
func redactAttr(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
		return a
	}
	if a.Key != slog.MessageKey && config.LooksSecret(a.Key) {
		return slog.String(a.Key, config.HiddenValue)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); s != "" {
			return slog.String(a.Key, redactText(s))
		}
	case slog.KindAny:
		switch x := v.Any().(type) {
		case map[string]string:
			return slog.Any(a.Key, config.MaskPasswords(nil, x))
		case error:
			return slog.String(a.Key, redactText(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, redactText(x.String()))
		}
	}
	return a
}
