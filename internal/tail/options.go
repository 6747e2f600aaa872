package tail

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// Converter short names accepted by --converter and --key-converter; any
// other value is looked up in the plugin registry as a class name or alias.
const (
	convJSON   = "json"
	convAvro   = "avro"
	convString = "string"
	convBytes  = "bytes"
)

// shortConverters maps the short names to registered converter classes.
var shortConverters = map[string]string{
	convJSON:   "org.apache.kafka.connect.json.JsonConverter",
	convAvro:   "io.confluent.connect.avro.AvroConverter",
	convString: "org.apache.kafka.connect.storage.StringConverter",
	convBytes:  "org.apache.kafka.connect.converters.ByteArrayConverter",
}

// Output formats.
const (
	formatText = "text"
	formatJSON = "json"
)

// DefaultBootstrap is used when neither --bootstrap-server, --worker-config
// nor KAFKA_BOOTSTRAP_SERVERS names the brokers.
const DefaultBootstrap = "127.0.0.1:9092"

// EnvBootstrap names the environment variable consulted for the brokers.
const EnvBootstrap = "KAFKA_BOOTSTRAP_SERVERS"

// options are the parsed command line.
type options struct {
	topic          string
	bootstrap      string // "" = not given
	workerConfig   string
	fromBeginning  bool
	partition      int // -1 = all
	maxMessages    int // 0 = unbounded
	timeout        time.Duration
	valueConverter string // "" = from the worker config, else json
	keyConverter   string // "" = as the value's
	schemaRegistry string
	schemasEnable  string // "" = converter default; "true"/"false"
	format         string
}

// errHelp is returned by parseOptions for -h/--help.
var errHelp = flag.ErrHelp

// usageError is bad command-line usage; Main prints it with the usage.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }

const usageText = `usage: worker tail TOPIC [flags]

Print the records of TOPIC: where they are, their key and headers, and the
value decoded by a converter and rendered as indented JSON. Stops on Ctrl-C,
after --max-messages records, or after --timeout without a record.

Flags:
`

const formatHelp = `
Text output, per record: a line
  TOPIC/PARTITION@OFFSET  TIMESTAMP  key=KEY  headers={"name":"value",...}
then the value rendered as JSON indented by two spaces, then an empty line.
KEY is the key rendered as compact JSON; TIMESTAMP is RFC 3339 UTC with
milliseconds ("-" when the record has none). Header values are JSON strings
when they are UTF-8, else {"base64":"..."}. Structs are objects with their
field names in schema order, decimals strings with the schema's scale,
dates "2006-01-02", times "15:04:05.000", timestamps RFC 3339, bytes base64,
maps objects with sorted keys. A key or value the converter cannot decode is
shown as {"error":"...","raw_base64":"..."}.

JSON output (--format json): one object per line with the fields topic,
partition, offset, timestamp, key, headers (an array of {"key","value"}),
value, rendered as above.

Exit codes: 0 after Ctrl-C/SIGTERM, --max-messages or --timeout; 2 for bad
flags, an unreachable broker or a missing topic; 1 for other failures.
`

// parseOptions parses args (flags may come before or after TOPIC). getenv
// supplies KAFKA_BOOTSTRAP_SERVERS.
func parseOptions(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("worker tail", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.bootstrap, "bootstrap-server", "", "Kafka brokers host:port,... (default: the worker config's bootstrap.servers, $"+EnvBootstrap+", or "+DefaultBootstrap+")")
	fs.StringVar(&o.workerConfig, "worker-config", "", "worker .properties file to take bootstrap.servers, security and converter settings from")
	fs.BoolVar(&o.fromBeginning, "from-beginning", false, "start at the earliest record (default: only records produced from now on)")
	fs.IntVar(&o.partition, "partition", -1, "read only this partition (default: all)")
	fs.IntVar(&o.maxMessages, "max-messages", 0, "stop after this many records (default: no limit)")
	fs.DurationVar(&o.timeout, "timeout", 0, "stop when no record arrives for this long, e.g. 10s (default: wait forever)")
	fs.StringVar(&o.valueConverter, "converter", "", "value converter: json, avro, string, bytes or a converter class (default: the worker config's value.converter, else json)")
	fs.StringVar(&o.keyConverter, "key-converter", "", "key converter, as --converter (default: the worker config's key.converter, else the value converter)")
	fs.StringVar(&o.schemaRegistry, "schema-registry", "", "Schema Registry URL for avro")
	schemasEnable := fs.Bool("schemas-enable", true, "json: records are {\"schema\",\"payload\"} envelopes (false: plain JSON)")
	fs.StringVar(&o.format, "format", formatText, "output format: text or json")
	usage := func() {
		fmt.Fprint(stderr, usageText)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprint(stderr, formatHelp)
	}

	var positional []string
	rest := args
	for range len(args) + 1 { // each round consumes at least one argument
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, errHelp
			}
			return nil, usagef("%v", err)
		}
		left := fs.Args()
		if consumed := len(rest) - len(left); consumed > 0 && rest[consumed-1] == "--" {
			positional = append(positional, left...) // everything after -- is positional
			break
		}
		rest = left
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		rest = rest[1:]
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "schemas-enable" {
			o.schemasEnable = fmt.Sprint(*schemasEnable)
		}
	})

	switch {
	case len(positional) == 0:
		return nil, usagef("missing TOPIC")
	case len(positional) > 1:
		return nil, usagef("one TOPIC expected, got %q", positional)
	}
	o.topic = strings.TrimSpace(positional[0])
	if o.topic == "" {
		return nil, usagef("empty TOPIC")
	}
	if o.partition < -1 {
		return nil, usagef("--partition %d: must be 0 or more", o.partition)
	}
	if o.maxMessages < 0 {
		return nil, usagef("--max-messages %d: must be 0 (no limit) or more", o.maxMessages)
	}
	if o.timeout < 0 {
		return nil, usagef("--timeout %s: must not be negative", o.timeout)
	}
	if o.format != formatText && o.format != formatJSON {
		return nil, usagef("--format %q: expected text or json", o.format)
	}
	for _, c := range []*string{&o.valueConverter, &o.keyConverter} {
		*c = strings.TrimSpace(*c)
		if short, ok := shortConverters[strings.ToLower(*c)]; ok {
			*c = short
		}
	}
	if o.bootstrap == "" && o.workerConfig == "" {
		o.bootstrap = strings.TrimSpace(getenv(EnvBootstrap))
		if o.bootstrap == "" {
			o.bootstrap = DefaultBootstrap
		}
	}
	return o, nil
}
