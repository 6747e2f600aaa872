package plugins

import "github.com/onecconnect/onecconnect/converters"

// RegisterConverter adds a converters.Plugin to r: as a converter when it
// has New, as a header converter when it has NewHeader (both under the same
// names). Duplicates panic as in Register.
func (r *Registry) RegisterConverter(cp converters.Plugin) {
	if cp.New != nil {
		r.Register(Plugin{Class: cp.Class, Aliases: cp.Aliases, Kind: KindConverter, Version: cp.Version,
			Config: cp.Config, NewConverter: cp.New})
	}
	if cp.NewHeader != nil {
		r.Register(Plugin{Class: cp.Class, Aliases: cp.Aliases, Kind: KindHeaderConverter, Version: cp.Version,
			Config: cp.Config, NewHeaderConverter: cp.NewHeader})
	}
}
