package herder

import (
	"errors"
	"strings"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/plugins"
)

// pluginOrder is Kafka's listing order of plugin types.
var pluginOrder = []plugins.Kind{
	plugins.KindSink, plugins.KindSource, plugins.KindTransformation, plugins.KindPredicate,
	plugins.KindConverter, plugins.KindHeaderConverter,
}

// Plugins implements Herder.
func (h *Standalone) Plugins(connectorsOnly bool) []PluginInfo {
	kinds := pluginOrder
	if connectorsOnly {
		kinds = pluginOrder[:2]
	}
	out := []PluginInfo{}
	for _, k := range kinds {
		for _, p := range h.plugins.List(k) {
			out = append(out, PluginInfo{Class: p.Class, Type: string(p.Kind), Version: p.Version})
		}
	}
	return out
}

// PluginConfig implements Herder: the plugin's own keys, by class or alias.
func (h *Standalone) PluginConfig(name string) ([]config.ConfigKeyInfo, error) {
	p, err := h.plugins.Lookup(strings.TrimSpace(name))
	if err != nil {
		var amb *plugins.AmbiguousError
		if errors.As(err, &amb) {
			return nil, BadRequest("%s", amb.Error())
		}
		return nil, NotFound("Unknown plugin %s.", name)
	}
	return p.ConfigDef().KeyInfos(), nil
}
