package plugins

import (
	"github.com/onecconnect/onecconnect/connectors/file"
	"github.com/onecconnect/onecconnect/converters/avro"
	"github.com/onecconnect/onecconnect/converters/bytearray"
	"github.com/onecconnect/onecconnect/converters/jsonconv"
	"github.com/onecconnect/onecconnect/converters/simpleheader"
	"github.com/onecconnect/onecconnect/converters/stringconv"
)

// RegisterBuiltins adds the plugins compiled into onec-connect that this
// package can import without a cycle to r: the FileStream connectors and
// every converter. Transforms and the 1C connectors register themselves in
// Default from their own packages' init (the runtime imports the
// transforms; cmd/worker imports the connectors). Default has the builtins
// from init; tests that build their own Registry call this.
func RegisterBuiltins(r *Registry) {
	src := file.SourcePlugin()
	r.Register(Plugin{Class: src.Class, Aliases: src.Aliases, Kind: KindSource, Version: src.Version, Config: src.Config, NewSource: src.New})
	sink := file.SinkPlugin()
	r.Register(Plugin{Class: sink.Class, Aliases: sink.Aliases, Kind: KindSink, Version: sink.Version, Config: sink.Config, NewSink: sink.New})
	r.RegisterConverter(jsonconv.Plugin())
	r.RegisterConverter(stringconv.Plugin())
	r.RegisterConverter(bytearray.Plugin())
	r.RegisterConverter(simpleheader.Plugin())
	r.RegisterConverter(avro.Plugin())
}

func init() { RegisterBuiltins(Default) }
