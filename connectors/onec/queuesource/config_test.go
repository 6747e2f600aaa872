package queuesource

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		extra map[string]string
		key   string // failing key; "" = valid
		msg   string
	}{
		{name: "valid", extra: nil},
		{name: "no topic", extra: map[string]string{KeyTopic: "<unset>"}, key: KeyTopic, msg: "topic.field"},
		{name: "both topics", extra: map[string]string{KeyTopicField: "ТипСообщения"}, key: KeyTopicField, msg: "not both"},
		{name: "illegal topic", extra: map[string]string{KeyTopic: "заказы"}, key: KeyTopic, msg: "legal Kafka topic"},
		{name: "topic map without field", extra: map[string]string{KeyTopicMap: "a:b"}, key: KeyTopicMap, msg: "needs topic.field"},
		{name: "bad topic map", extra: map[string]string{KeyTopic: "<unset>", KeyTopicField: "ТипСообщения", KeyTopicMap: "Заказ"}, key: KeyTopicMap, msg: "value:topic"},
		{name: "split without values", extra: map[string]string{KeySplitField: "ТипСообщения"}, key: KeySplitValues, msg: "split.field"},
		{name: "bad mode", extra: map[string]string{KeyMode: "move"}, key: KeyMode},
		{name: "password in url", extra: map[string]string{"database.url": "postgres://u:pw@127.0.0.1/trade"}, key: "database.url", msg: "database.password"},
		{name: "batch size", extra: map[string]string{KeyBatchSize: "0"}, key: KeyBatchSize},
		{name: "missing register", extra: map[string]string{KeyRegister: "<unset>"}, key: KeyRegister},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(baseProps(tt.extra))
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *config.ValidationError", err)
			}
			msgs := strings.Join(ve.Errors[tt.key], "; ")
			if msgs == "" || !strings.Contains(msgs, tt.msg) {
				t.Fatalf("errors %v, want one on %s mentioning %q", ve.Errors, tt.key, tt.msg)
			}
		})
	}
}

func TestResolveListsEverythingWrong(t *testing.T) {
	ib := memInfobase(t, metadata.DBMSPostgres)
	tests := []struct {
		name  string
		extra map[string]string
		want  map[string]string // key → message fragment
	}{
		{name: "unknown register with close match", extra: map[string]string{KeyRegister: "РегистрСведений.ИсходящаяОчерет"},
			want: map[string]string{KeyRegister: "ИсходящаяОчередь"}},
		{name: "not a register", extra: map[string]string{KeyRegister: "Справочник.Номенклатура"},
			want: map[string]string{KeyRegister: "information register"}},
		{name: "order.by not numeric", extra: map[string]string{KeyOrderBy: "Ключ"},
			want: map[string]string{KeyOrderBy: "dimension of type Число"}},
		{name: "everything wrong at once", extra: map[string]string{KeyOrderBy: "НомерСообщеня", KeyKeyField: "Клюк",
			KeyValueField: "Тела", KeyHeadersFields: "Заголовки,Нет", KeyTimestampField: "Ключ", KeyHeadersJSONField: "ДатаСоздания"},
			want: map[string]string{KeyOrderBy: "НомерСообщения", KeyKeyField: "Ключ", KeyValueField: "Тело",
				KeyHeadersFields: "Нет", KeyTimestampField: "not a date", KeyHeadersJSONField: "not a string"}},
		{name: "topic field unknown", extra: map[string]string{KeyTopic: "<unset>", KeyTopicField: "Тип"},
			want: map[string]string{KeyTopicField: "ТипСообщения"}},
		{name: "english names and auto order.by", extra: map[string]string{KeyRegister: "InformationRegister.ИсходящаяОчередь", KeyOrderBy: ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ParseConfig(baseProps(tt.extra))
			if err != nil {
				t.Fatal(err)
			}
			p, err := resolve(ib, dialect.Postgres(), cfg)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if p.orderCol.Kind != dialect.Numeric || p.register != "РегистрСведений.ИсходящаяОчередь" {
					t.Fatalf("plan %+v", p)
				}
				return
			}
			var ve *config.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *config.ValidationError", err)
			}
			for key, frag := range tt.want {
				if m := strings.Join(ve.Errors[key], "; "); !strings.Contains(m, frag) {
					t.Errorf("%s: %q, want it to mention %q (all: %v)", key, m, frag, ve.Errors)
				}
			}
			if len(ve.Errors) != len(tt.want) {
				t.Errorf("failing keys %v, want %d", ve.Keys(), len(tt.want))
			}
		})
	}
}

func TestTaskConfigsSplit(t *testing.T) {
	c := &Connector{}
	cfg, err := ParseConfig(baseProps(map[string]string{KeySplitField: "ТипСообщения", KeySplitValues: "A,B,C,D,E"}))
	if err != nil {
		t.Fatal(err)
	}
	c.cfg, c.props = cfg, baseProps(map[string]string{KeySplitField: "ТипСообщения", KeySplitValues: "A,B,C,D,E", "errors.retry.timeout": "1000"})
	for _, tt := range []struct {
		max  int
		want []string
	}{{1, []string{"A,B,C,D,E"}}, {2, []string{"A,C,E", "B,D"}}, {9, []string{"A", "B", "C", "D", "E"}}} {
		cfgs, err := c.TaskConfigs(tt.max)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfgs) != len(tt.want) {
			t.Fatalf("tasks.max %d: %d configs", tt.max, len(cfgs))
		}
		for i, w := range tt.want {
			if cfgs[i][KeySplitValues] != w || cfgs[i]["errors.retry.timeout"] != "1000" {
				t.Fatalf("tasks.max %d: config %d = %v", tt.max, i, cfgs[i])
			}
		}
	}
}
