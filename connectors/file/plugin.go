package file

import (
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
)

// Class names and aliases.
const (
	SourceClass = "FileStreamSource"
	SinkClass   = "FileStreamSink"
)

// SourceAliases are the other names FileStreamSource answers to.
var SourceAliases = []string{"org.apache.kafka.connect.file.FileStreamSourceConnector", "FileStreamSourceConnector"}

// SinkAliases are the other names FileStreamSink answers to.
var SinkAliases = []string{"org.apache.kafka.connect.file.FileStreamSinkConnector", "FileStreamSinkConnector"}

// SourceDescriptor describes FileStreamSource for a plugin registry.
type SourceDescriptor struct {
	Class   string
	Aliases []string
	Version string
	Config  func() *config.ConfigDef
	New     func() connect.SourceConnector
}

// SinkDescriptor describes FileStreamSink for a plugin registry.
type SinkDescriptor struct {
	Class   string
	Aliases []string
	Version string
	Config  func() *config.ConfigDef
	New     func() connect.SinkConnector
}

// SourcePlugin returns FileStreamSource's descriptor.
func SourcePlugin() SourceDescriptor {
	return SourceDescriptor{Class: SourceClass, Aliases: append([]string(nil), SourceAliases...), Version: Version,
		Config: SourceConfigDef, New: NewSourceConnector}
}

// SinkPlugin returns FileStreamSink's descriptor.
func SinkPlugin() SinkDescriptor {
	return SinkDescriptor{Class: SinkClass, Aliases: append([]string(nil), SinkAliases...), Version: Version,
		Config: SinkConfigDef, New: NewSinkConnector}
}
