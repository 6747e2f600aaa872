package queuesource

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// TestAcceptance runs the connector through connect/connecttest's suite
// (validation, lifecycle, resume across a worker restart, no goroutine
// leak, no password in logs or REST output), one 1C database per scenario.
func TestAcceptance(t *testing.T) {
	if testing.Short() {
		t.Skip("acceptance suite: skipped with -short")
	}
	const password = "s3cr3t-queue-password"
	var mu sync.Mutex // guards next
	next := map[*connecttest.Env]int64{}
	dbOf := connecttest.PerEnv(func(*connecttest.Env) *queueDB { return newQueueDB(t) })
	connecttest.Run(t, connecttest.Spec{
		Class:   Class,
		Plugins: connecttest.Registry(Plugin()),
		Config: func(env *connecttest.Env) map[string]string {
			q := dbOf(env)
			p := q.connectorProps("", env.Topic, map[string]string{"database.password": password, KeyHeadersJSONField: ""})
			delete(p, "name")
			return p
		},
		BadConfigs: []connecttest.BadConfig{
			{Name: "unknown register", Mutate: func(c map[string]string) {
				c[KeyRegister] = "РегистрСведений.ИсходящаяОчерет"
			}, Keys: []string{KeyRegister}},
			{Name: "order.by not a number", Mutate: func(c map[string]string) { c[KeyOrderBy] = "Ключ" }, Keys: []string{KeyOrderBy}},
			// The REST validate response echoes database.url as given, so
			// this case uses a password other than the checked one.
			{Name: "password in url", Mutate: func(c map[string]string) { c["database.url"] = "postgres://u:inline-pw@127.0.0.1:1/x" }, Keys: []string{"database.url"}},
			{Name: "no topic", Mutate: func(c map[string]string) { delete(c, KeyTopic) }, Keys: []string{KeyTopic}},
		},
		Passwords: []string{password},
		Source: &connecttest.SourceSpec{
			Write: func(t testing.TB, env *connecttest.Env, values []string) {
				q := dbOf(env)
				mu.Lock()
				start := next[env]
				next[env] = start + int64(len(values))
				mu.Unlock()
				msgs := make([]onectest.QueueMessage, len(values))
				for i, v := range values {
					msgs[i] = onectest.QueueMessage{Number: start + int64(i) + 1, Type: "T", Key: "k", Body: v, Created: time.Now().UTC()}
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := q.built.PutOutgoing(ctx, q.conn, msgs); err != nil {
					t.Fatal(err)
				}
			},
		},
	})
}
