package changessource

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/storage"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/common/commontest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

const (
	pricesName = "РегистрСведений.ЦеныНоменклатуры"
	orgName    = "Константа.НаименованиеОрганизации"
	// aRef is a reference's text as the task writes it in snapshot.after.
	aRef = "8f2b9a3c-1d4e-11ef-9c3a-0242ac120002"
)

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := l.Addr().String()
	l.Close()
	return addr
}

// offsetProps is a configuration of plan ПланОбмена.Kafka and node KAFKA
// over the database at url.
func offsetProps(url, objects string) map[string]string {
	return map[string]string{connect.KeyName: "changes", "database.url": url, "database.user": "u",
		KeyExchangePlan: "ПланОбмена.Kafka", KeyNode: "KAFKA", KeyObjects: objects}
}

// entriesOf decodes entries written as JSON the way the REST API does
// (storage.DecodeMap: whole numbers int64, others float64); an empty
// partition text stands for the partition of catName.
func entriesOf(t *testing.T, pairs ...[2]string) []connect.OffsetEntry {
	t.Helper()
	out := make([]connect.OffsetEntry, len(pairs))
	for i, pr := range pairs {
		ptext := pr[0]
		if ptext == "" {
			ptext = partJSON(catName)
		}
		p, err := storage.DecodeMap([]byte(ptext))
		must(t, err)
		o, err := storage.DecodeMap([]byte(pr[1]))
		must(t, err)
		out[i] = connect.OffsetEntry{Partition: p, Offset: o}
	}
	return out
}

// partJSON is the partition the tasks write for object.
func partJSON(object string) string {
	return `{"exchange.plan": "ПланОбмена.Kafka", "node": "KAFKA", "object": "` + object + `"}`
}

// TestAlterOffsetsWithoutDatabase runs the checks that need no database
// (the database does not answer): every offset shape the task writes is
// accepted, and each wrong partition, key, type or value is refused with
// the partition, the key, the value and what is wanted.
func TestAlterOffsetsWithoutDatabase(t *testing.T) {
	props := offsetProps("postgres://"+closedAddr(t)+"/db", "Catalog.Номенклатура, "+pricesName)
	cases := []struct {
		name      string
		partition string // JSON; "" = the partition of catName
		offset    string // JSON; null = reset
		want      []string
	}{
		// What the task writes.
		{"message number", "", `{"message.no": 42}`, nil},
		{"message number zero", "", `{"message.no": 0}`, nil},
		{"largest message number", "", `{"message.no": 9999999998}`, nil},
		{"snapshot page", "", `{"snapshot": "running", "snapshot.after": "[\"` + aRef + `\"]"}`, nil},
		{"snapshot page of a register", partJSON(pricesName), `{"snapshot": "running", "snapshot.after": "[\"2024-01-02T00:00:00Z\", \"` + aRef + `\", \"Опт\"]"}`, nil},
		{"snapshot from the start", "", `{"snapshot": "running"}`, nil},
		{"snapshot from the start, empty position", "", `{"snapshot": "running", "snapshot.after": ""}`, nil},
		{"snapshot done", "", `{"snapshot": "done"}`, nil},
		{"message number with snapshot", "", `{"message.no": 7, "snapshot": "done"}`, nil},
		{"reset", "", `null`, nil},
		{"reset of another configuration's partition", `{"exchange.plan": "ПланОбмена.Старый", "node": "OLD", "object": "Справочник.Контрагенты"}`, `null`, nil},

		// Spelling: objects configured in English, written in Russian.
		{"object configured in English", partJSON("Справочник.Номенклатура"), `{"message.no": 1}`, nil},
		{"object name case without the metadata", partJSON("Справочник.НОМЕНКЛАТУРА"), `{"message.no": 1}`, nil},
		{"object kind in English", partJSON("Catalog.Номенклатура"), `{"message.no": 1}`,
			[]string{`object "Catalog.Номенклатура"`, `the tasks write the kind in Russian, "Справочник.Номенклатура"`}},
		{"object kind in English, reset", partJSON("Catalog.Номенклатура"), `null`,
			[]string{`the tasks write the kind in Russian`}},
		{"object kind in lower case", partJSON("справочник.Номенклатура"), `{"message.no": 1}`,
			[]string{`"Справочник.Номенклатура"`}},
		{"plan in English", `{"exchange.plan": "ExchangePlan.Kafka", "node": "KAFKA", "object": "Справочник.Номенклатура"}`, `{"message.no": 1}`,
			[]string{`exchange.plan "ExchangePlan.Kafka"`, `exactly as configured, "ПланОбмена.Kafka"`, "never read"}},
		{"node in lower case", `{"exchange.plan": "ПланОбмена.Kafka", "node": "kafka", "object": "Справочник.Номенклатура"}`, `{"message.no": 1}`,
			[]string{`node "kafka"`, `exactly as configured, "KAFKA"`}},

		// Partitions that are not this configuration's.
		{"object not configured", partJSON("Справочник.Контрагенты"), `{"message.no": 1}`,
			[]string{`{"exchange.plan":"ПланОбмена.Kafka","node":"KAFKA","object":"Справочник.Контрагенты"}`,
				`object "Справочник.Контрагенты": not one of this connector's objects ("Справочник.Номенклатура", "РегистрСведений.ЦеныНоменклатуры")`}},
		{"other node", `{"exchange.plan": "ПланОбмена.Kafka", "node": "АРХИВ", "object": "Справочник.Номенклатура"}`, `{"message.no": 1}`,
			[]string{`node "АРХИВ": wanted this connector's node "KAFKA"`}},
		{"other plan", `{"exchange.plan": "ПланОбмена.Другой", "node": "KAFKA", "object": "Справочник.Номенклатура"}`, `{"message.no": 1}`,
			[]string{`exchange.plan "ПланОбмена.Другой": wanted this connector's exchange plan "ПланОбмена.Kafka"`}},
		{"enum", partJSON("Перечисление.СтавкиНДС"), `{"message.no": 1}`,
			[]string{`object "Перечисление.СтавкиНДС": the connector consumes no objects of kind Перечисление`}},
		{"not a full name", partJSON("Номенклатура"), `{"message.no": 1}`,
			[]string{`object "Номенклатура": wanted a 1C full name Kind.Name`}},
		{"unknown and missing partition keys", `{"exchange.plan": "ПланОбмена.Kafka", "object": "Справочник.Номенклатура", "table": "x"}`, `{"message.no": 1}`,
			[]string{`unknown partition key "table" = "x"`, "partition key node is missing"}},
		{"unknown partition key, reset", `{"exchange.plan": "ПланОбмена.Kafka", "node": "KAFKA", "object": "Справочник.Номенклатура", "task": 0}`, `null`,
			[]string{`unknown partition key "task" = 0`}},
		{"partition value not a string", `{"exchange.plan": "ПланОбмена.Kafka", "node": 5, "object": "Справочник.Номенклатура"}`, `{"message.no": 1}`,
			[]string{"partition key node = 5 (an integer): wanted a non-empty string"}},
		{"empty partition", `{}`, `{"message.no": 1}`, []string{"the partition is empty"}},

		// Offsets.
		{"message number as a string", "", `{"message.no": "42"}`,
			[]string{`message.no = "42" (a string): wanted a whole number from 0 to 9999999998`}},
		{"fractional message number", "", `{"message.no": 4.5}`, []string{"message.no = 4.5 (a floating-point number)"}},
		{"message number with a fraction part", "", `{"message.no": 4.0}`, []string{"message.no = 4 (a floating-point number)"}},
		{"negative message number", "", `{"message.no": -1}`, []string{"message.no = -1 (an integer): wanted a whole number from 0"}},
		{"message number beyond _MessageNo", "", `{"message.no": 10000000000}`, []string{"message.no = 10000000000"}},
		{"null message number", "", `{"message.no": null}`, []string{"message.no = null"}},
		{"unknown snapshot state", "", `{"snapshot": "finished"}`, []string{`snapshot = "finished" (a string): wanted "running" or "done"`}},
		{"snapshot state in capitals", "", `{"snapshot": "DONE"}`, []string{`snapshot = "DONE"`}},
		{"snapshot state not a string", "", `{"snapshot": true}`, []string{"snapshot = true (a boolean)"}},
		{"position not JSON", "", `{"snapshot": "running", "snapshot.after": "` + aRef + `"}`,
			[]string{`snapshot.after = "` + aRef + `": not a JSON array of strings`}},
		{"position of numbers", "", `{"snapshot": "running", "snapshot.after": "[1, 2]"}`, []string{"not a JSON array of strings"}},
		{"empty position", "", `{"snapshot": "running", "snapshot.after": "[]"}`, []string{"wanted a JSON array of at least one key text"}},
		{"position not a string", "", `{"snapshot": "running", "snapshot.after": 17}`,
			[]string{"snapshot.after = 17 (an integer): wanted a string holding a JSON array"}},
		{"position without a running snapshot", "", `{"snapshot": "done", "snapshot.after": "[\"` + aRef + `\"]"}`,
			[]string{`goes only with snapshot "running"`}},
		{"position alone", "", `{"snapshot.after": "[\"` + aRef + `\"]"}`, []string{`goes only with snapshot "running"`}},
		{"unknown offset key", "", `{"message.no": 3, "position": 3}`, []string{`unknown offset key "position" = 3`}},
		{"empty offset", "", `{}`, []string{"the offset is empty", "null resets the partition"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			managed, err := (&Connector{}).AlterExternalOffsets(t.Context(), props, entriesOf(t, [2]string{tc.partition, tc.offset}))
			commontest.CheckOffsetsAnswer(t, managed, err, 0, tc.want)
		})
	}
}

// TestAlterOffsetsSeveralProblems collects every problem of every entry
// into one refusal; valid entries add nothing.
func TestAlterOffsetsSeveralProblems(t *testing.T) {
	props := offsetProps("postgres://"+closedAddr(t)+"/db", catName)
	entries := entriesOf(t,
		[2]string{"", `{"message.no": 5}`},
		[2]string{"", `{"message.no": -2, "snapshot": "started", "extra": 1}`},
		[2]string{partJSON("Справочник.Контрагенты"), `{"snapshot": "done"}`},
		[2]string{"", `null`},
	)
	managed, err := (&Connector{}).AlterExternalOffsets(t.Context(), props, entries)
	commontest.CheckOffsetsAnswer(t, managed, err, 0, []string{"4 problems",
		`entry 1, partition {"exchange.plan":"ПланОбмена.Kafka","node":"KAFKA","object":"Справочник.Номенклатура"}: unknown offset key "extra"`,
		"entry 1, partition", "message.no = -2", `snapshot = "started"`,
		`entry 2, partition {"exchange.plan":"ПланОбмена.Kafka","node":"KAFKA","object":"Справочник.Контрагенты"}: object "Справочник.Контрагенты": not one of this connector's objects`})
	var oe *common.OffsetsError
	if errors.As(err, &oe) {
		for _, p := range oe.Problems {
			if strings.HasPrefix(p, "entry 0") || strings.HasPrefix(p, "entry 3") {
				t.Errorf("a valid entry reported: %s", p)
			}
		}
	}
}

// TestAlterOffsetsDatabaseUnreachable: when the metadata cannot be read
// (nothing listens, or the server never answers) the hook gives up within
// its bound and accepts what only the metadata could refuse; the checks
// that need no database still apply.
func TestAlterOffsetsDatabaseUnreachable(t *testing.T) {
	// The kernel completes the handshake; nobody ever answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	t.Cleanup(func() { silent.Close() })
	cases := []struct {
		name    string
		addr    string
		objects string
		entries [][2]string
		want    []string
	}{
		{"refused, whole content: any consumed object", closedAddr(t), "",
			[][2]string{{partJSON("РегистрНакопления.Продажи"), `{"message.no": 3}`}, {partJSON(orgName), `{"snapshot": "done"}`}}, nil},
		{"refused, key count unknown", closedAddr(t), "",
			[][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"a\", \"b\", \"c\"]"}`}}, nil},
		{"silent server, key count unknown", silent.Addr().String(), catName,
			[][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"a\", \"b\"]"}`}}, nil},
		{"refused, still checks the rest", closedAddr(t), "",
			[][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"a\"]"}`}, {"", `{"message.no": "x"}`}},
			[]string{", 1 problem:", `message.no = "x"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Connector{offsetTimeout: 300 * time.Millisecond}
			start := time.Now()
			managed, err := c.AlterExternalOffsets(t.Context(), offsetProps("postgres://"+tc.addr+"/db", tc.objects), entriesOf(t, tc.entries...))
			if el := time.Since(start); el > 3*time.Second {
				t.Errorf("took %s; the metadata read is bounded by 300 ms", el)
			}
			commontest.CheckOffsetsAnswer(t, managed, err, 0, tc.want)
		})
	}
}

// TestAlterOffsetsResetNeedsNoDatabase: a reset alone (what DELETE
// /offsets sends) does not touch the database, even with its default bound.
func TestAlterOffsetsResetNeedsNoDatabase(t *testing.T) {
	start := time.Now()
	managed, err := (&Connector{}).AlterExternalOffsets(t.Context(), offsetProps("postgres://"+closedAddr(t)+"/db", ""),
		entriesOf(t, [2]string{"", `null`}, [2]string{partJSON(pricesName), `null`}))
	commontest.CheckOffsetsAnswer(t, managed, err, 0, nil)
	if el := time.Since(start); el > time.Second {
		t.Errorf("a reset took %s", el)
	}
}

// TestAlterOffsetsInvalidConfig refuses when the configuration itself does
// not parse.
func TestAlterOffsetsInvalidConfig(t *testing.T) {
	props := offsetProps("postgres://"+closedAddr(t)+"/db", "")
	delete(props, KeyNode)
	_, err := (&Connector{}).AlterExternalOffsets(t.Context(), props, entriesOf(t, [2]string{"", `{"message.no": 1}`}))
	if err == nil || !strings.Contains(err.Error(), "offsets unchanged") || !strings.Contains(err.Error(), KeyNode) {
		t.Fatalf("want a refusal naming %s, got %v", KeyNode, err)
	}
}

// TestAlterOffsetsMetadata checks what needs the 1C metadata against a
// real infobase: the plan's content when objects is empty, the metadata's
// spelling of the object, and the number and form of snapshot.after's key
// texts; and accepts every offset a real task wrote.
func TestAlterOffsetsMetadata(t *testing.T) {
	ctx, db, b, dsn := tradeDB(t)
	base := connProps(t, dsn)
	base[connect.KeyName] = "changes"
	base[KeyExchangePlan], base[KeyNode] = "ПланОбмена.Kafka", "KAFKA"

	cases := []struct {
		name    string
		objects string
		entries [][2]string
		want    []string
	}{
		{"object of the content", "", [][2]string{{partJSON("Справочник.Контрагенты"), `{"message.no": 12}`}}, nil},
		{"object outside the content", "", [][2]string{{partJSON("РегистрНакопления.Продажи"), `{"message.no": 12}`}},
			[]string{`object "РегистрНакопления.Продажи": not one of this connector's objects (`, `"Справочник.Номенклатура"`, `"Константа.НаименованиеОрганизации"`}},
		{"object outside the content, reset", "", [][2]string{{partJSON("РегистрНакопления.Продажи"), `null`}}, nil},
		{"name spelt in another case", "справочник.номенклатура", [][2]string{{partJSON("Справочник.НОМЕНКЛАТУРА"), `{"message.no": 1}`}},
			[]string{`object "Справочник.НОМЕНКЛАТУРА": the tasks write it as the metadata spells it, "Справочник.Номенклатура"`}},
		{"name configured in another case", "catalog.номенклатура", [][2]string{{"", `{"message.no": 1}`}}, nil},
		{"catalog position", "", [][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"` + aRef + `\"]"}`}}, nil},
		{"catalog position with two texts", "", [][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"` + aRef + `\", \"x\"]"}`}},
			[]string{"holds 2 key text(s); Справочник.Номенклатура wants 1 (Ссылка)"}},
		{"catalog position not a reference", "", [][2]string{{"", `{"snapshot": "running", "snapshot.after": "[\"A-001\"]"}`}},
			[]string{`key text 1 (Ссылка) "A-001" does not fit Справочник.Номенклатура`}},
		{"constant position", "", [][2]string{{partJSON(orgName), `{"snapshot": "running", "snapshot.after": "[\"\"]"}`}}, nil},
		{"constant position with two texts", "", [][2]string{{partJSON(orgName), `{"snapshot": "running", "snapshot.after": "[\"\", \"\"]"}`}},
			[]string{"holds 2 key text(s); Константа.НаименованиеОрганизации wants 1"}},
		{"register position with one text", "", [][2]string{{partJSON(pricesName), `{"snapshot": "running", "snapshot.after": "[\"` + aRef + `\"]"}`}},
			[]string{"holds 1 key text(s); РегистрСведений.ЦеныНоменклатуры wants 3 (Период, Номенклатура, ВидЦены)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			props := map[string]string{}
			for k, v := range base {
				props[k] = v
			}
			props[KeyObjects] = tc.objects
			managed, err := (&Connector{}).AlterExternalOffsets(ctx, props, entriesOf(t, tc.entries...))
			commontest.CheckOffsetsAnswer(t, managed, err, 0, tc.want)
		})
	}

	t.Run("offsets a task wrote", func(t *testing.T) {
		_, err := b.Generate(ctx, db, catName, 5, onectest.GenOptions{})
		must(t, err)
		must(t, b.GenerateRecords(ctx, db, pricesName, 5))
		props := map[string]string{}
		for k, v := range base {
			props[k] = v
		}
		props[KeyObjects] = "Catalog.Номенклатура, " + pricesName + ", " + orgName
		props[KeyBatchSize], props[KeyPollInterval] = "2", "10"
		tk := startTask(t, &fakeTaskContext{}, props)
		recs := pollN(t, tk, 30)
		_, err = b.RegisterAll(ctx, db, "ПланОбмена.Kafka", "KAFKA", catName)
		must(t, err)
		recs = append(recs, pollN(t, tk, 30)...)
		var entries []connect.OffsetEntry
		kinds := map[string]bool{}
		for _, r := range recs {
			// Through the store's encoding, as the REST API hands them over.
			pk, err := storage.EncodeKey("changes", r.SourcePartition)
			must(t, err)
			_, p, err := storage.DecodeKey(pk)
			must(t, err)
			ov, err := storage.EncodeValue(r.SourceOffset)
			must(t, err)
			o, err := storage.DecodeMap(ov)
			must(t, err)
			entries = append(entries, connect.OffsetEntry{Partition: p, Offset: o})
			switch {
			case o[OffsetMessageNo] != nil:
				kinds["message.no "+p[PartitionObject].(string)] = true
			case o[OffsetAfter] != nil:
				kinds["running "+p[PartitionObject].(string)] = true
			default:
				kinds["done "+p[PartitionObject].(string)] = true
			}
		}
		for _, k := range []string{"running " + catName, "done " + catName, "running " + pricesName, "done " + pricesName, "message.no " + catName} {
			if !kinds[k] {
				t.Errorf("the task wrote no %s offset (test setup): %v", k, kinds)
			}
		}
		managed, err := (&Connector{}).AlterExternalOffsets(ctx, props, entries)
		commontest.CheckOffsetsAnswer(t, managed, err, 0, nil)
	})
}
