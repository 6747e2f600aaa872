package queuesink

import (
	"testing"

	"github.com/onecconnect/onecconnect/connect/connecttest"
)

// TestAcceptance runs the connector through connect/connecttest's suite
// (validation, lifecycle, resume across a worker restart, no goroutine
// leak, no password in logs or REST output), one 1C database per scenario.
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance suite: skipped with -short")
	}
	const password = "s3cr3t-inbox-password"
	dbOf := connecttest.PerEnv(func(*connecttest.Env) *sinkDB { return newSinkDB(t) })
	connecttest.Run(t, connecttest.Spec{
		Class:   Class,
		Plugins: connecttest.Registry(Plugin()),
		Config: func(env *connecttest.Env) map[string]string {
			p := dbOf(env).connectorProps("", env.Topic, map[string]string{"database.password": password})
			delete(p, "name")
			return p
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "unknown register", Mutate: func(c map[string]string) {
				c[KeyRegister] = "РегистрСведений.ВходящиеСообщени"
			}, Keys: []string{KeyRegister}},
			{Name: "unknown field", Mutate: func(c map[string]string) { c[KeyKeyField] = "Клюк" }, Keys: []string{KeyKeyField}},
			{Name: "sequence not a number", Mutate: func(c map[string]string) { c[KeySequenceField] = "Тело"; c[KeyValueField] = "" }, Keys: []string{KeySequenceField}},
			{Name: "password in url", Mutate: func(c map[string]string) { c["database.url"] = "postgres://u:inline-pw@127.0.0.1:1/x" }, Keys: []string{"database.url"}},
		},
		Passwords: []string{password},
		Sink: &connecttest.SinkSpec{
			Read: func(t testing.TB, env *connecttest.Env) []string {
				var out []string
				for _, r := range dbOf(env).query(t, inbox, []string{"Тело"}, "НомерСообщения") {
					out = append(out, r[0])
				}
				return out
			},
		},
	})
}
