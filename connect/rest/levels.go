package rest

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
)

// LoggerKey is the slog attribute that names a logger: a handler from
// LogLevels.Handler whose logger carries logger=<name> filters by that
// name's level. A connector attribute (connector=<c>) below a named logger
// makes the name "<name>.<c>", so each connector can get its own level.
const LoggerKey = "logger"

// RootLogger is the name of the root logger.
const RootLogger = "root"

// Log levels by Kafka's (log4j) names; TRACE and FATAL extend slog's range
// and OFF silences a logger.
var levelNames = []struct {
	name  string
	level slog.Level
}{
	{"TRACE", slog.LevelDebug - 4},
	{"DEBUG", slog.LevelDebug},
	{"INFO", slog.LevelInfo},
	{"WARN", slog.LevelWarn},
	{"ERROR", slog.LevelError},
	{"FATAL", slog.LevelError + 4},
	{"OFF", slog.Level(math.MaxInt32)},
}

// ParseLevel parses a level name as Kafka Connect accepts it
// (case-insensitive: TRACE, DEBUG, INFO, WARN, ERROR, FATAL, OFF).
func ParseLevel(s string) (slog.Level, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	for _, l := range levelNames {
		if l.name == u {
			return l.level, true
		}
	}
	return 0, false
}

// LevelName returns Kafka's name of a level (the nearest one at or below).
func LevelName(l slog.Level) string {
	name := levelNames[0].name
	for _, n := range levelNames {
		if l >= n.level {
			name = n.name
		}
	}
	return name
}

// LoggerLevel is the REST shape of a logger's level; LastModified is the
// epoch-ms time of the last change through the API, null before.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

type levelEntry struct {
	level    slog.Level
	modified *int64
}

// LogLevels is the logger registry behind /admin/loggers: hierarchical
// names (dot-separated, "root" at the top) with levels that change at run
// time. A logger without a level of its own inherits its nearest ancestor's.
// Safe for concurrent use.
type LogLevels struct {
	mu    sync.RWMutex
	set   map[string]*levelEntry // explicitly set, root included
	known map[string]bool        // names handlers have used
}

// NewLogLevels returns a registry with the root logger at root.
func NewLogLevels(root slog.Level) *LogLevels {
	return &LogLevels{
		set:   map[string]*levelEntry{RootLogger: {level: root}},
		known: map[string]bool{},
	}
}

// Effective returns the level that applies to name.
func (l *LogLevels) Effective(name string) slog.Level {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.effective(name)
}

func (l *LogLevels) effective(name string) slog.Level {
	for n := name; n != ""; {
		if e, ok := l.set[n]; ok {
			return e.level
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return l.set[RootLogger].level
}

// All returns the root logger and every logger with a level of its own.
func (l *LogLevels) All() map[string]LoggerLevel {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make(map[string]LoggerLevel, len(l.set))
	for n, e := range l.set {
		out[n] = LoggerLevel{Level: LevelName(e.level), LastModified: e.modified}
	}
	return out
}

// Get returns a known logger's effective level.
func (l *LogLevels) Get(name string) (LoggerLevel, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if e, ok := l.set[name]; ok {
		return LoggerLevel{Level: LevelName(e.level), LastModified: e.modified}, true
	}
	if !l.known[name] {
		return LoggerLevel{}, false
	}
	return LoggerLevel{Level: LevelName(l.effective(name))}, true
}

// Set sets the level of name and of every known or set descendant (every
// logger for root) and returns the affected names, sorted. A logger whose
// level does not change keeps its last-modified time.
func (l *LogLevels) Set(name string, level slog.Level, now time.Time) []string {
	ms := now.UnixMilli()
	l.mu.Lock()
	defer l.mu.Unlock()
	affected := map[string]bool{name: true}
	under := func(n string) bool { return name == RootLogger || strings.HasPrefix(n, name+".") }
	for n := range l.known {
		if under(n) {
			affected[n] = true
		}
	}
	for n := range l.set {
		if under(n) {
			affected[n] = true
		}
	}
	out := make([]string, 0, len(affected))
	for n := range affected {
		out = append(out, n)
		e := l.set[n]
		if e == nil {
			e = &levelEntry{level: l.effective(n)}
			l.set[n] = e
		}
		if e.level != level || e.modified == nil {
			e.level = level
			m := ms
			e.modified = &m
		}
	}
	sort.Strings(out)
	return out
}

func (l *LogLevels) note(name string) {
	if name == "" {
		return
	}
	l.mu.RLock()
	seen := l.known[name]
	l.mu.RUnlock()
	if !seen {
		l.mu.Lock()
		l.known[name] = true
		l.mu.Unlock()
	}
}

// Handler wraps base (which should let every level through) so that each
// record is filtered by the level of its logger name.
func (l *LogLevels) Handler(base slog.Handler) slog.Handler {
	return &levelHandler{base: base, levels: l, name: RootLogger}
}

type levelHandler struct {
	base   slog.Handler
	levels *LogLevels
	name   string
}

func (h *levelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.levels.Effective(h.name) && h.base.Enabled(ctx, level)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.base.Handle(ctx, r)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	name := h.name
	for _, a := range attrs {
		switch a.Key {
		case LoggerKey:
			name = a.Value.String()
		case "connector":
			if name != RootLogger {
				name = name + "." + a.Value.String()
			}
		}
	}
	h.levels.note(name)
	return &levelHandler{base: h.base.WithAttrs(attrs), levels: h.levels, name: name}
}

func (h *levelHandler) WithGroup(g string) slog.Handler {
	return &levelHandler{base: h.base.WithGroup(g), levels: h.levels, name: h.name}
}

// String names the handler's logger (for debugging).
func (h *levelHandler) String() string { return fmt.Sprintf("levelHandler(%s)", h.name) }
