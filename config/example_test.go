package config_test

import (
	"fmt"

	"github.com/onecconnect/onecconnect/config"
)

func ExampleConfigDef() {
	def := config.NewConfigDef().
		Define(config.Key{Name: "database.url", Type: config.TypeString, Required: true,
			Importance: config.ImportanceHigh, Group: "Connection", Doc: "Database URL without credentials."}).
		Define(config.Key{Name: "database.password", Type: config.TypePassword, Default: "",
			Importance: config.ImportanceHigh, Group: "Connection"}).
		Define(config.Key{Name: "mode", Type: config.TypeString, Default: "delete",
			Validator: config.OneOf("delete", "offset"), Group: "Queue"}).
		AllowPrefix(config.PrefixProducerOverride)

	v, err := def.Parse(map[string]string{
		"database.url":           "postgres://127.0.0.1:5432/buh",
		"database.password":      "s3cret",
		"producer.override.acks": "all",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.String("mode"), v.Password("database.password"), v.WithPrefix(config.PrefixProducerOverride))
	fmt.Println(v)

	_, err = def.Parse(map[string]string{"mode": "keep", "databse.url": "x"})
	fmt.Println(err)
	// Output:
	// delete [hidden] map[acks:all]
	// {database.url=postgres://127.0.0.1:5432/buh database.password=[hidden] mode=delete producer.override.acks=all}
	// invalid configuration, 3 error(s): Missing required configuration "database.url" which has no default value.; Unknown configuration "databse.url"; did you mean "database.url"?; Invalid value keep for configuration mode: String must be one of: delete, offset
}
