package queuesource

import (
	"errors"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

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
		{name: "split values a number field cannot hold", extra: map[string]string{KeySplitField: "НомерСообщения", KeySplitValues: "1,1.5,один"},
			want: map[string]string{KeySplitValues: "digits after the point"}},
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
			checkValidation(t, err, tt.want)
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

// TestSplitArg: split.values of a number field compare with the column
// as the DBMS renders it (with the field's scale); values no row can hold
// are errors naming the reason.
func TestSplitArg(t *testing.T) {
	num := &metadata.Property{Name: "Приоритет", Type: metadata.TypeDef{Number: true, Precision: 10, Scale: 2, NonNegative: true}}
	str := &metadata.Property{Name: "ТипСообщения", Type: metadata.TypeDef{String: true, Length: 50}}
	tests := []struct {
		v     string
		pr    *metadata.Property
		scale int
		want  string
		err   string
	}{
		{v: "5", pr: num, scale: 2, want: "5.00"},
		{v: " 2.5 ", pr: num, scale: 2, want: "2.50"},
		{v: "007.10", pr: num, scale: 2, want: "7.10"},
		{v: "5.001", pr: num, scale: 2, err: "2 digits after the point"},
		{v: "пять", pr: num, scale: 2, err: "not a number"},
		{v: "-1", pr: num, scale: 2, err: "non-negative"},
		{v: "123456789", pr: num, scale: 2, err: "at most 8 digits"},
		{v: "12345678.99", pr: num, scale: 2, want: "12345678.99"},
		{v: " A ", pr: str, scale: -1, want: " A "},
	}
	for _, tt := range tests {
		got, err := splitArg(tt.v, tt.pr, tt.scale)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("splitArg(%q) error %v, want it to mention %q", tt.v, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("splitArg(%q) = %q, %v; want %q", tt.v, got, err, tt.want)
		}
	}
	p := &plan{splitScale: 2, splitArgs: map[string]string{"5": "5.00", "2.5": "2.50"}}
	for _, v := range []any{decimal.New(500, -2), decimal.New(5, 0), float64(5), "5.00", int64(5)} {
		if s, ok := p.splitOf(v, []string{"2.5", "5"}); !ok || s != "5" {
			t.Errorf("splitOf(%#v) = %q, %v; want 5", v, s, ok)
		}
	}
	if s, ok := p.splitOf(decimal.New(3, 0), []string{"2.5", "5"}); ok {
		t.Errorf("splitOf(3) = %q, want no split", s)
	}
}

// checkValidation checks that err is a *config.ValidationError failing
// exactly the keys of want, each message mentioning want's fragment.
func checkValidation(t *testing.T, err error, want map[string]string) {
	t.Helper()
	var ve *config.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %v, want a *config.ValidationError", err)
	}
	for key, frag := range want {
		if m := strings.Join(ve.Errors[key], "; "); !strings.Contains(m, frag) {
			t.Errorf("%s: %q, want it to mention %q (all: %v)", key, m, frag, ve.Errors)
		}
	}
	if len(ve.Errors) != len(want) {
		t.Errorf("failing keys %v, want %d", ve.Keys(), len(want))
	}
}
