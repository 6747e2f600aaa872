package rest

import (
	"bytes"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLogLevelsHierarchy(t *testing.T) {
	var buf bytes.Buffer
	levels := NewLogLevels(slog.LevelInfo)
	root := slog.New(levels.Handler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.Level(-100)})))
	runtime := root.With(LoggerKey, "onecconnect.runtime")
	conn := runtime.With("connector", "orders")
	herderLog := root.With(LoggerKey, "onecconnect.herder")

	conn.Debug("hidden-1")
	affected := levels.Set("onecconnect.runtime", slog.LevelDebug, time.UnixMilli(1000))
	if want := []string{"onecconnect.runtime", "onecconnect.runtime.orders"}; !reflect.DeepEqual(affected, want) {
		t.Errorf("affected %q, want %q", affected, want)
	}
	conn.Debug("shown-1")
	runtime.Debug("shown-2")
	herderLog.Debug("hidden-2")
	levels.Set("onecconnect.runtime.orders", levelOff(), time.UnixMilli(2000))
	conn.Error("hidden-3")
	runtime.Debug("shown-3")
	out := buf.String()
	for _, s := range []string{"shown-1", "shown-2", "shown-3"} {
		if !strings.Contains(out, s) {
			t.Errorf("%s missing from logs:\n%s", s, out)
		}
	}
	for _, s := range []string{"hidden-1", "hidden-2", "hidden-3"} {
		if strings.Contains(out, s) {
			t.Errorf("%s logged:\n%s", s, out)
		}
	}
}

func levelOff() slog.Level { l, _ := ParseLevel("off"); return l }

func TestLogLevelsLastModified(t *testing.T) {
	levels := NewLogLevels(slog.LevelInfo)
	if got := levels.All()["root"]; got.Level != "INFO" || got.LastModified != nil {
		t.Errorf("root %+v", got)
	}
	levels.Set("a.b", slog.LevelDebug, time.UnixMilli(1000))
	levels.Set("a.b", slog.LevelDebug, time.UnixMilli(5000))
	got, ok := levels.Get("a.b")
	if !ok || got.Level != "DEBUG" || got.LastModified == nil || *got.LastModified != 1000 {
		t.Errorf("a.b %+v (identical PUT must keep last_modified)", got)
	}
	levels.Set("a.b", slog.LevelWarn, time.UnixMilli(7000))
	if got, _ := levels.Get("a.b"); got.Level != "WARN" || *got.LastModified != 7000 {
		t.Errorf("a.b %+v", got)
	}
	if _, ok := levels.Get("never.seen"); ok {
		t.Error("unknown logger found")
	}
	affected := levels.Set(RootLogger, slog.LevelError, time.UnixMilli(9000))
	if !reflect.DeepEqual(affected, []string{"a.b", "root"}) {
		t.Errorf("root affected %q", affected)
	}
}

func TestParseLevel(t *testing.T) {
	for _, name := range []string{"TRACE", "debug", "Info", "WARN", "ERROR", "FATAL", "OFF"} {
		l, ok := ParseLevel(name)
		if !ok || LevelName(l) != strings.ToUpper(name) {
			t.Errorf("%s: %v %v → %s", name, l, ok, LevelName(l))
		}
	}
	if _, ok := ParseLevel("LOUD"); ok {
		t.Error("LOUD parsed")
	}
}
