package connecttest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connectors/file"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// fileRegistry holds the FileStream connectors.
func fileRegistry() *plugins.Registry {
	r := plugins.New()
	src, sink := file.SourcePlugin(), file.SinkPlugin()
	r.Register(plugins.Plugin{Class: src.Class, Aliases: src.Aliases, Kind: plugins.KindSource, Version: src.Version,
		Config: src.Config, NewSource: src.New})
	r.Register(plugins.Plugin{Class: sink.Class, Aliases: sink.Aliases, Kind: plugins.KindSink, Version: sink.Version,
		Config: sink.Config, NewSink: sink.New})
	return r
}

// The secret rides in a client override the PLAINTEXT clients ignore; it
// must be masked everywhere all the same.
const fileSecret = "file-acceptance-secret-Пароль"

func TestFileStreamSourceAcceptance(t *testing.T) {
	connecttest.Run(t, connecttest.Spec{
		Class:   "FileStreamSource",
		Plugins: fileRegistry,
		Config: func(env *connecttest.Env) map[string]string {
			return map[string]string{
				"connector.class":                 "org.apache.kafka.connect.file.FileStreamSourceConnector",
				"tasks.max":                       "1",
				"file":                            filepath.Join(env.Dir, "in.txt"),
				"topic":                           env.Topic,
				"producer.override.sasl.password": fileSecret,
			}
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "no topic", Mutate: func(c map[string]string) { delete(c, "topic") }, Keys: []string{"topic"}},
			{Name: "tasks.max zero", Mutate: func(c map[string]string) { c["tasks.max"] = "0" }, Keys: []string{"tasks.max"}},
			{Name: "batch.size not a number", Mutate: func(c map[string]string) { c["batch.size"] = "many" }, Keys: []string{"batch.size"}},
		},
		Passwords: []string{fileSecret},
		Source: &connecttest.SourceSpec{
			Write: func(t testing.TB, env *connecttest.Env, values []string) {
				f, err := os.OpenFile(filepath.Join(env.Dir, "in.txt"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := f.WriteString(strings.Join(values, "\n") + "\n"); err != nil {
					t.Fatal(err)
				}
			},
		},
	})
}

func TestFileStreamSinkAcceptance(t *testing.T) {
	connecttest.Run(t, connecttest.Spec{
		Class:   "FileStreamSink",
		Plugins: fileRegistry,
		Config: func(env *connecttest.Env) map[string]string {
			return map[string]string{
				"connector.class":                 "FileStreamSink",
				"tasks.max":                       "1",
				"file":                            filepath.Join(env.Dir, "out.txt"),
				"topics":                          env.Topic,
				"consumer.override.sasl.password": fileSecret,
			}
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "no topics", Mutate: func(c map[string]string) { delete(c, "topics") }, Keys: []string{"topics"}},
			{Name: "topics and regex", Mutate: func(c map[string]string) { c["topics.regex"] = "x.*" }, Keys: []string{"topics", "topics.regex"}},
			{Name: "bad tolerance", Mutate: func(c map[string]string) { c["errors.tolerance"] = "some" }, Keys: []string{"errors.tolerance"}},
		},
		Passwords: []string{fileSecret},
		Sink: &connecttest.SinkSpec{
			Read: func(t testing.TB, env *connecttest.Env) []string {
				b, err := os.ReadFile(filepath.Join(env.Dir, "out.txt"))
				if os.IsNotExist(err) {
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				s := strings.TrimSuffix(string(b), "\n")
				if s == "" {
					return nil
				}
				return strings.Split(s, "\n")
			},
		},
	})
}
