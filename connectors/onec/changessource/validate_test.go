package changessource

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/schema"
)

// TestValidate resolves every name against the metadata and reports the
// problems by key.
func TestValidate(t *testing.T) {
	ctx, _, _, dsn := tradeDB(t)
	base := connProps(t, dsn)
	base[KeyExchangePlan] = "ПланОбмена.Kafka"
	base[KeyNode] = "KAFKA"
	cases := []struct {
		name string
		set  map[string]string
		keys []string // keys that must carry an error; none = valid
		msg  string
	}{
		{"good, whole content", nil, nil, ""},
		{"good, English subset", map[string]string{KeyObjects: "Catalog.Номенклатура, Constant.НаименованиеОрганизации"}, nil, ""},
		{"unknown plan", map[string]string{KeyExchangePlan: "ПланОбмена.Kafak"}, []string{KeyExchangePlan}, "did you mean"},
		{"not a plan", map[string]string{KeyExchangePlan: "Справочник.Номенклатура"}, []string{KeyExchangePlan}, "not an exchange plan"},
		{"unknown node", map[string]string{KeyNode: "NOPE"}, []string{KeyNode}, "no node with code"},
		{"object outside the content", map[string]string{KeyObjects: "РегистрНакопления.Продажи"}, []string{KeyObjects}, "not in the content"},
		{"unknown object and bad node", map[string]string{KeyObjects: "Справочник.Номенклатурра", KeyNode: "X"}, []string{KeyObjects, KeyNode}, ""},
		{"bad template", map[string]string{KeyTopicTemplate: "${prefix}.${table}"}, []string{KeyTopicTemplate}, "unknown placeholder"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for k, v := range base {
				props[k] = v
			}
			for k, v := range tc.set {
				props[k] = v
			}
			err := (&Connector{}).Validate(ctx, props)
			if len(tc.keys) == 0 {
				if err != nil {
					t.Fatalf("valid config refused: %v", err)
				}
				return
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *config.ValidationError, got %v", err)
			}
			for _, k := range tc.keys {
				if len(ve.Errors[k]) == 0 {
					t.Errorf("no error on %s: %v", k, ve.Errors)
				}
			}
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
}

// TestConnectionLossRetriesThenFails: with the database unreachable, Poll
// keeps the task running (no error) until errors.retry.timeout has passed,
// then fails with the cause.
func TestConnectionLossRetriesThenFails(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	props := map[string]string{"database.url": "postgres://" + addr + "/db", "database.user": "u", KeyExchangePlan: "ПланОбмена.Kafka",
		KeyNode: "KAFKA", "errors.retry.timeout": "1500", "errors.retry.delay.max.ms": "200"}
	tk := &Task{}
	must(t, tk.Start(t.Context(), &fakeTaskContext{}, props))
	start := time.Now()
	var last error
	polls := 0
	for time.Since(start) < 10*time.Second {
		_, last = tk.Poll(t.Context())
		polls++
		if last != nil {
			break
		}
		if polls > 1 && !tk.Metrics().Snapshot().Retrying {
			t.Fatal("retrying gauge not set while the database is down")
		}
	}
	if last == nil {
		t.Fatal("the task never gave up")
	}
	if el := time.Since(start); el < 1400*time.Millisecond {
		t.Errorf("gave up after %s, before errors.retry.timeout", el)
	}
	if !strings.Contains(last.Error(), "giving up") || polls < 3 {
		t.Errorf("after %d polls: %v", polls, last)
	}
}

// TestMetadataReload: a new attribute appears in the records after the
// configuration changes, without a restart.
func TestMetadataReload(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	_, err := b.Generate(ctx, db, catName, 3, onectest.GenOptions{})
	must(t, err)
	_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "KAFKA", catName)
	must(t, err)
	props := connProps(t, dsn)
	props[KeyExchangePlan], props[KeyNode], props[KeyObjects], props[KeySnapshotMode] = "ПланОбмена.Kafka", "KAFKA", catName, SnapshotNever
	props["metadata.refresh.interval.ms"] = "1"
	props[KeyPollInterval] = "10"
	tk := startTask(t, &fakeTaskContext{}, props)
	recs := pollN(t, tk, 1)
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	must(t, b.AddAttribute(ctx, db, catName, onectest.Attribute{Name: "Артикул2", Type: onectest.String(20)}))
	ref, err := b.Ref(catName, 2)
	must(t, err)
	reRegister(t, ctx, db, b, catName, ref)
	time.Sleep(5 * time.Millisecond)
	recs = pollN(t, tk, 1)
	if len(recs) != 1 {
		t.Fatalf("%d records after the change, want 1", len(recs))
	}
	data, _ := recs[0].Value.(*schema.Struct).Get("data")
	if _, ok := data.(*schema.Struct).Schema().Field("Артикул2"); !ok {
		t.Fatalf("new attribute missing from the record schema: %v", data.(*schema.Struct).Schema())
	}
	var _ connect.SourceRecord
}
