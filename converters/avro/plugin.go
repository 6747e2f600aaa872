package avro

import (
	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/converters"
)

// Class is the Kafka Connect class name this converter stands in for.
const Class = "io.confluent.connect.avro.AvroConverter"

// Version of the implementation.
const Version = "0.1.0"

// Plugin describes the converter for the plugin registry.
func Plugin() converters.Plugin {
	return converters.Plugin{
		Class:   Class,
		Aliases: []string{"AvroConverter", "Avro"},
		Version: Version,
		Config:  func() *config.ConfigDef { return ConfigDef() },
		New:     func() converters.Converter { return New() },
	}
}
