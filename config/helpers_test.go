package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden %s (run go test -update to create it): %v", path, err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from golden file (run go test -update after checking):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}

// testDef is a connector-like definition covering every type and validator.
func testDef() *ConfigDef {
	return NewConfigDef().
		Define(Key{Name: "name", Type: TypeString, Required: true, Validator: NonEmptyStringWithoutControlChars(),
			Importance: ImportanceHigh, Doc: "Globally unique name to use for this connector.",
			Group: "Common", Width: WidthMedium, DisplayName: "Connector name"}).
		Define(Key{Name: "connector.class", Type: TypeString, Required: true, Importance: ImportanceHigh,
			Doc: "Name or alias of the class for this connector.", Group: "Common", Width: WidthLong, DisplayName: "Connector class"}).
		Define(Key{Name: "tasks.max", Type: TypeInt, Default: 1, Validator: AtLeast(1), Importance: ImportanceHigh,
			Doc: "Maximum number of tasks to use for this connector.", Group: "Common", Width: WidthShort, DisplayName: "Tasks max"}).
		Define(Key{Name: "key.converter", Type: TypeClass, Importance: ImportanceLow,
			Doc: "Converter class for keys.", Group: "Common", Width: WidthShort, DisplayName: "Key converter class"}).
		Define(Key{Name: "topics", Type: TypeList, Default: "", Importance: ImportanceHigh,
			Doc: "List of topics to consume.", Group: "Common", Width: WidthLong, DisplayName: "Topics",
			Dependents: []string{"topics.regex"}}).
		Define(Key{Name: "topics.regex", Type: TypeString, Default: "", Validator: ValidRegex(), Importance: ImportanceHigh,
			Doc: "Regular expression giving topics to consume.", Group: "Common", Width: WidthLong, DisplayName: "Topics regex"}).
		Define(Key{Name: "errors.tolerance", Type: TypeString, Default: "none", Validator: OneOf("none", "all"),
			Importance: ImportanceMedium, Doc: "Behavior for tolerating errors during connector operation.",
			Group: "Error Handling", Width: WidthShort, DisplayName: "Error Tolerance"}).
		Define(Key{Name: "errors.retry.timeout", Type: TypeLong, Default: int64(0), Validator: AtLeast(-1),
			Importance: ImportanceMedium, Doc: "Total time a failed operation is retried, in ms; -1 is forever.",
			Group: "Error Handling", Width: WidthMedium, DisplayName: "Retry Timeout for Errors"}).
		Define(Key{Name: "errors.log.enable", Type: TypeBoolean, Default: false, Importance: ImportanceMedium,
			Doc: "Log errors.", Group: "Error Handling", Width: WidthShort, DisplayName: "Log Errors"}).
		Define(Key{Name: "database.url", Type: TypeString, Required: true, Validator: NonEmptyString(),
			Importance: ImportanceHigh, Doc: "postgres://host:port/db or sqlserver://host:port?database=db, without credentials.",
			Group: "Connection"}).
		Define(Key{Name: "database.password", Type: TypePassword, Default: "", Importance: ImportanceHigh,
			Doc: "Database password.", Group: "Connection"}).
		Define(Key{Name: "database.port", Type: TypeShort, Default: 5432, Validator: Between(1, 65535), Group: "Connection"}).
		Define(Key{Name: "mode", Type: TypeString, Default: "delete", Validator: OneOfCaseInsensitive("delete", "offset"),
			Doc: "What to do with a queue row once Kafka has it.", Group: "Queue"}).
		Define(Key{Name: "batch.size", Type: TypeInt, Default: 1000, Validator: Between(1, 100000), Group: "Queue"}).
		Define(Key{Name: "poll.interval", Type: TypeDuration, Default: 5 * time.Second,
			Validator: DurationBetween(10*time.Millisecond, time.Hour), Group: "Queue", Doc: "Pause between empty polls."}).
		Define(Key{Name: "sample.ratio", Type: TypeDouble, Default: 0.5, Validator: Between(0, 1), Importance: ImportanceLow}).
		AllowPrefix(PrefixTransforms, PrefixPredicates, PrefixProducerOverride, PrefixConsumerOverride)
}

// validProps satisfies testDef.
func validProps() map[string]string {
	return map[string]string{
		"name":            "orders",
		"connector.class": "OneCQueueSource",
		"database.url":    "postgres://127.0.0.1:5432/buh",
	}
}
