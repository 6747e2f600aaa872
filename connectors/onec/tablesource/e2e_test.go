package tablesource

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/internal/testkit"
	"github.com/onecconnect/onecconnect/schema/translit"
)

// TestTableSourceEndToEnd reads a catalog, documents with tabular sections,
// a periodic information register (a multi-column key with a string
// dimension) and a constant through the real worker into kfake, with two
// tasks; every row arrives once, keyed by its clustered key.
func TestTableSourceEndToEnd(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	_, err := b.Generate(ctx, db, "Справочник.Номенклатура", 3000, onectest.GenOptions{MarkEvery: 5})
	must(t, err)
	_, err = b.Generate(ctx, db, "Документ.РеализацияТоваровУслуг", 700, onectest.GenOptions{Lines: 4})
	must(t, err)
	must(t, b.GenerateRecords(ctx, db, "РегистрСведений.ЦеныНоменклатуры", 1234))
	k := testkit.Kafka(t)
	for _, n := range []string{"Catalog.Номенклатура", "Document.РеализацияТоваровУслуг", "InformationRegister.ЦеныНоменклатуры", "Constant.НаименованиеОрганизации"} {
		k.CreateTopic(t, translit.Topic("onec."+n), 2, nil)
	}
	reg := plugins.New()
	reg.Register(Plugin())
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: reg, WorkerProps: map[string]string{
		"key.converter": "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable": "false",
		"value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false"}})
	cfg := connProps(t, dsn)
	for k, v := range map[string]string{"connector.class": Class, "tasks.max": "2", KeyBatchSize: "500",
		KeyObjects: "Справочник.Номенклатура, Document.РеализацияТоваровУслуг, РегистрСведений.ЦеныНоменклатуры, Константа.НаименованиеОрганизации"} {
		cfg[k] = v
	}
	s.Client.Expect(t, "PUT", connecttest.Path("table", "/config"), cfg, 201, nil)
	s.WaitState(t, "table", "RUNNING", 2, "RUNNING", 30*time.Second)
	want := map[string]int{"Catalog.Номенклатура": 3000, "Document.РеализацияТоваровУслуг": 700,
		"InformationRegister.ЦеныНоменклатуры": 1234, "Constant.НаименованиеОрганизации": 1}
	for name, n := range want {
		topic := translit.Topic("onec." + name)
		msgs := k.WaitFor(t, topic, n, 60*time.Second)
		keys := map[string]bool{}
		for _, m := range msgs {
			keys[string(m.Key)] = true
		}
		if len(msgs) != n || len(keys) != n {
			t.Errorf("%s: %d records with %d distinct keys, want %d", name, len(msgs), len(keys), n)
		}
		if name == "Document.РеализацияТоваровУслуг" {
			var v map[string]any
			must(t, json.Unmarshal(msgs[0].Value, &v))
			if lines, _ := v["Товары"].([]any); len(lines) != 4 {
				t.Errorf("document Товары: %d lines, want 4: %v", len(lines), v)
			}
		}
	}
	s.CheckNoSecrets(t, cfg["database.password"])
}
