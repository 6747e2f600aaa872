package queuesource

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connect/plugins"
	"github.com/onecconnect/onecconnect/internal/testkit"
)

const queueRegister = "РегистрСведений.ИсходящаяОчередь"

// set is an entry that sets an offset; a nil offset resets the partition.
func set(part map[string]any, off map[string]any) connect.OffsetEntry {
	return connect.OffsetEntry{Partition: part, Offset: off}
}

func reg(extra ...any) map[string]any {
	m := map[string]any{PartitionRegister: queueRegister}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func num(v any) map[string]any { return map[string]any{OffsetNumber: v} }

// TestAlterExternalOffsets checks offsets submitted through the KIP-875
// REST API against the partitions and offsets the tasks write, without a
// database. want lists substrings of the refusal; none: accepted.
func TestAlterExternalOffsets(t *testing.T) {
	offsetMode := map[string]string{KeyMode: ModeOffset}
	split := map[string]string{KeyMode: ModeOffset, KeySplitField: "ТипСообщения", KeySplitValues: "Заказ,Оплата,5"}
	tests := []struct {
		name    string
		props   map[string]string
		entries []connect.OffsetEntry
		want    []string
	}{
		{name: "valid offset", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(int64(42)))}},
		{name: "zero", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(int64(0)))}},
		{name: "whole float as the task reads it", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(float64(42)))}},
		{name: "reset", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), nil)}},
		{name: "reset of a stale partition", props: offsetMode,
			entries: []connect.OffsetEntry{set(map[string]any{PartitionRegister: "РегистрСведений.Старая", "split": "x"}, nil)}},
		{name: "resets only with an unparsable configuration", props: map[string]string{KeyTopic: "<unset>"},
			entries: []connect.OffsetEntry{set(reg(), nil)}},
		{name: "set with an unparsable configuration", props: map[string]string{KeyTopic: "<unset>"},
			entries: []connect.OffsetEntry{set(reg(), num(int64(1)))},
			want:    []string{"offsets unchanged", "configuration is invalid", KeyTopic}},
		{name: "wrong register", props: offsetMode,
			entries: []connect.OffsetEntry{set(map[string]any{PartitionRegister: "РегистрСведений.ВходящаяОчередь"}, num(int64(1)))},
			want: []string{"offsets unchanged, 1 problem: entry 1, partition {\"register\":\"РегистрСведений.ВходящаяОчередь\"}",
				`partition key "register" is "РегистрСведений.ВходящаяОчередь", want "РегистрСведений.ИсходящаяОчередь"`}},
		{name: "register missing", props: offsetMode, entries: []connect.OffsetEntry{set(map[string]any{}, num(int64(1)))},
			want: []string{`partition key "register" is missing, want "register": "РегистрСведений.ИсходящаяОчередь"`}},
		{name: "register not a string", props: offsetMode, entries: []connect.OffsetEntry{set(map[string]any{PartitionRegister: int64(7)}, num(int64(1)))},
			want: []string{`partition key "register" is 7, want the string "РегистрСведений.ИсходящаяОчередь"`}},
		{name: "English spelling in the configuration accepted",
			props:   map[string]string{KeyMode: ModeOffset, KeyRegister: "InformationRegister.ИсходящаяОчередь"},
			entries: []connect.OffsetEntry{set(reg(), num(int64(3)))}},
		{name: "names compare case-insensitively",
			props:   map[string]string{KeyMode: ModeOffset, KeyRegister: "informationregister.исходящаяочередь"},
			entries: []connect.OffsetEntry{set(reg(), num(int64(3)))}},
		{name: "English spelling in the partition refused", props: offsetMode,
			entries: []connect.OffsetEntry{set(map[string]any{PartitionRegister: "InformationRegister.ИсходящаяОчередь"}, num(int64(3)))},
			want:    []string{`"register" is "InformationRegister.ИсходящаяОчередь", want "РегистрСведений.ИсходящаяОчередь"`, "Russian full name"}},
		{name: "configured register is not an information register",
			props:   map[string]string{KeyMode: ModeOffset, KeyRegister: "Справочник.Номенклатура"},
			entries: []connect.OffsetEntry{set(map[string]any{PartitionRegister: "Справочник.Номенклатура"}, num(int64(3)))},
			want:    []string{"offsets unchanged", `register="Справочник.Номенклатура" is not the full name of an information register`}},
		{name: "split valid", props: split, entries: []connect.OffsetEntry{set(reg(PartitionSplit, "Оплата"), num(int64(9)))}},
		{name: "split missing", props: split, entries: []connect.OffsetEntry{set(reg(), num(int64(9)))},
			want: []string{`partition key "split" is missing, want one of split.values "Заказ", "Оплата", "5" (split.field=ТипСообщения)`}},
		{name: "split unknown", props: split, entries: []connect.OffsetEntry{set(reg(PartitionSplit, "Возврат"), num(int64(9)))},
			want: []string{`partition key "split" is "Возврат", want one of split.values "Заказ", "Оплата", "5"`}},
		{name: "split of another case", props: split, entries: []connect.OffsetEntry{set(reg(PartitionSplit, "заказ"), num(int64(9)))},
			want: []string{`partition key "split" is "заказ", want one of`}},
		{name: "split not a string", props: split, entries: []connect.OffsetEntry{set(reg(PartitionSplit, int64(5)), num(int64(9)))},
			want: []string{`partition key "split" is 5, want a string, one of split.values`}},
		{name: "split without split.field", props: offsetMode, entries: []connect.OffsetEntry{set(reg(PartitionSplit, "Заказ"), num(int64(9)))},
			want: []string{`partition key "split" is "Заказ" (a string), but split.field is not set: want no "split" key`}},
		{name: "number as a fractional float", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(2.5))},
			want: []string{`offset key "number" is 2.5 (a fractional number), want a whole number from 0 to 9223372036854775807, the last delivered НомерСообщения number`}},
		{name: "number negative", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(int64(-1)))},
			want: []string{`offset key "number" is -1, want a whole number from 0`}},
		{name: "number as a string", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num("42"))},
			want: []string{`offset key "number" is "42" (a string), want a whole number`}},
		{name: "number out of range", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(1e19))},
			want: []string{`offset key "number" is 10000000000000000000 (out of range)`}},
		{name: "number as a boolean", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), num(true))},
			want: []string{`offset key "number" is true (a boolean)`}},
		{name: "number missing", props: offsetMode, entries: []connect.OffsetEntry{set(reg(), map[string]any{})},
			want: []string{`offset key "number" is missing, want a whole number`}},
		{name: "unknown offset key", props: offsetMode,
			entries: []connect.OffsetEntry{set(reg(), map[string]any{OffsetNumber: int64(4), "position": int64(4)})},
			want:    []string{`unknown offset key "position" = 4, want only "number"`}},
		{name: "unknown partition key", props: offsetMode, entries: []connect.OffsetEntry{set(reg("table", "_InfoRg1"), num(int64(4)))},
			want: []string{`unknown partition key "table" = "_InfoRg1" (a string), want only "register"`}},
		{name: "delete mode refuses a set", props: nil, entries: []connect.OffsetEntry{set(reg(), num(int64(4)))},
			want: []string{`offsets unchanged, 1 problem: entry 1, partition {"register":"РегистрСведений.ИсходящаяОчередь"}: offset {"number":4} cannot be set in mode=delete`,
				"the queue itself is the position", "only a reset (offset null) is accepted"}},
		{name: "delete mode accepts a reset", props: nil, entries: []connect.OffsetEntry{set(reg(), nil)}},
		{name: "several problems together", props: split,
			entries: []connect.OffsetEntry{
				set(reg(PartitionSplit, "Заказ"), num(int64(10))),                                                       // fine
				set(map[string]any{PartitionRegister: "РегистрСведений.Другой", PartitionSplit: "Чек"}, num(int64(-3))), // 3 problems
				set(reg(PartitionSplit, "Оплата"), nil),                                                                 // reset: fine
				set(reg(PartitionSplit, "Оплата"), map[string]any{"num": int64(1)}),                                     // 2 problems
			},
			want: []string{"offsets unchanged, 5 problems: entry 2, partition {\"register\":\"РегистрСведений.Другой\",\"split\":\"Чек\"}: partition key \"register\"",
				`entry 2, partition {"register":"РегистрСведений.Другой","split":"Чек"}: partition key "split" is "Чек"`,
				`entry 2, partition {"register":"РегистрСведений.Другой","split":"Чек"}: offset key "number" is -3`,
				`entry 4, partition {"register":"РегистрСведений.ИсходящаяОчередь","split":"Оплата"}: offset key "number" is missing`,
				`entry 4, partition {"register":"РегистрСведений.ИсходящаяОчередь","split":"Оплата"}: unknown offset key "num" = 1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			managed, err := (&Connector{}).AlterExternalOffsets(context.Background(), baseProps(tt.props), tt.entries)
			if managed {
				t.Error("managed = true; the offsets live in the framework's store")
			}
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want a refusal containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "entry 1,") && strings.HasPrefix(tt.name, "several") {
				t.Errorf("the valid entry 1 is reported: %v", err)
			}
		})
	}
}

// TestAlterOffsetsThroughREST runs the hook through the real worker,
// herder and REST API: a stopped offset-mode connector refuses a wrong
// offset with the hook's message and keeps its offsets, accepts a good
// one, and on resume continues after it.
func TestAlterOffsetsThroughREST(t *testing.T) {
	q := newQueueDB(t)
	put(t, q, q.conn, msgs(1, 5)...)
	k := testkit.Kafka(t)
	topic := testkit.UniqueTopic("alteroffsets")
	k.CreateTopic(t, topic, 1, nil)
	r := plugins.New()
	r.Register(Plugin())
	s := connecttest.StartStack(t, connecttest.StackOptions{Kafka: k, Plugins: r})
	const name = "alter-offsets"
	props := q.connectorProps(name, topic, map[string]string{KeyMode: ModeOffset, KeyHeadersJSONField: ""})
	s.Client.Expect(t, "POST", "/connectors", map[string]any{"name": name, "config": props}, 201, nil)
	s.WaitState(t, name, "RUNNING", 1, "RUNNING", 30*time.Second)
	k.WaitFor(t, topic, 5, 30*time.Second)

	s.Client.Expect(t, "PUT", connecttest.Path(name, "/stop"), nil, 204, nil)
	s.WaitState(t, name, "STOPPED", 0, "", 30*time.Second)
	stored := func() []connect.OffsetEntry {
		var got struct {
			Offsets []connect.OffsetEntry `json:"offsets"`
		}
		s.Client.Expect(t, "GET", connecttest.Path(name, "/offsets"), nil, 200, &got)
		return got.Offsets
	}
	wantStored := func(n float64) {
		t.Helper()
		got := stored()
		if len(got) != 1 || got[0].Partition[PartitionRegister] != queueRegister || len(got[0].Partition) != 1 ||
			got[0].Offset[OffsetNumber] != n || len(got[0].Offset) != 1 {
			t.Fatalf("stored offsets %+v, want {register: %s} → {number: %v}", got, queueRegister, n)
		}
	}
	wantStored(5)
	put(t, q, q.conn, msgs(6, 10)...)

	bad := map[string]any{"offsets": []any{
		map[string]any{"partition": map[string]any{"register": queueRegister}, "offset": map[string]any{"number": -1}},
		map[string]any{"partition": map[string]any{"register": "InformationRegister.ИсходящаяОчередь"}, "offset": map[string]any{"number": 7}},
	}}
	resp := s.Client.Do(t, "PATCH", connecttest.Path(name, "/offsets"), bad)
	var refusal struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	resp.Decode(t, &refusal)
	if resp.Status < 400 || refusal.Code != resp.Status {
		t.Fatalf("bad offsets answered %d %s, want a refusal", resp.Status, resp.Body)
	}
	for _, w := range []string{"refused by the connector", "offsets unchanged, 2 problems", `offset key "number" is -1`,
		`"register" is "InformationRegister.ИсходящаяОчередь", want "РегистрСведений.ИсходящаяОчередь"`} {
		if !strings.Contains(refusal.Message, w) {
			t.Errorf("refusal %q does not contain %q", refusal.Message, w)
		}
	}
	wantStored(5)

	good := map[string]any{"offsets": []any{
		map[string]any{"partition": map[string]any{"register": queueRegister}, "offset": map[string]any{"number": 7}},
	}}
	s.Client.Expect(t, "PATCH", connecttest.Path(name, "/offsets"), good, 200, nil)
	wantStored(7)

	s.Client.Expect(t, "PUT", connecttest.Path(name, "/resume"), nil, 202, nil)
	s.WaitState(t, name, "RUNNING", 1, "RUNNING", 30*time.Second)
	expectBodies(t, k, topic, []string{"body-1", "body-2", "body-3", "body-4", "body-5", "body-8", "body-9", "body-10"}, time.Second)
}
