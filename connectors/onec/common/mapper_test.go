package common

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

func tradeInfobase(t *testing.T) *metadata.Infobase {
	t.Helper()
	l, err := onectest.Plan(onectest.Trade())
	if err != nil {
		t.Fatal(err)
	}
	cfgFiles, paramFiles, err := l.Files()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(fs []onectest.ConfigFile) map[string][]byte {
		m := map[string][]byte{}
		for _, f := range fs {
			m[f.Name] = onectest.EncodeFile(f.Body, true)
		}
		return m
	}
	ib, err := metadata.Load(context.Background(), metadata.NewMemorySource(metadata.DBMSPostgres, enc(cfgFiles), enc(paramFiles), 0), metadata.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ib
}

func TestText(t *testing.T) {
	if Text(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) != "2024-01-02T03:04:05Z" || Text(decimal.RequireFromString("1.50")) != "1.5" {
		t.Fatal("Text")
	}
}

func TestLookupErrorsSuggest(t *testing.T) {
	ib := tradeInfobase(t)
	if _, err := LookupObject(ib, "РегистрСведений.ИсходящаяОчерет"); err == nil || !strings.Contains(err.Error(), "ИсходящаяОчередь") {
		t.Fatalf("unknown object error %v", err)
	}
	o, _ := LookupObject(ib, "РегистрСведений.ИсходящаяОчередь")
	if _, err := LookupProperty(o, "Тела"); err == nil || !strings.Contains(err.Error(), "Тело") {
		t.Fatalf("unknown field error %v", err)
	}
	if p, err := LookupProperty(o, "тело"); err != nil || p.Name != "Тело" {
		t.Fatalf("case-insensitive lookup: %v", err)
	}
}

// TestParseTextRoundTrip: ParseText reads back what Text writes, for every
// kind a key column can have.
func TestParseTextRoundTrip(t *testing.T) {
	ts := time.Date(2024, 2, 29, 13, 4, 5, 123456000, time.UTC)
	for _, tt := range []struct {
		kind dialect.ColumnKind
		v    any
	}{
		{dialect.String, "Товар 1"}, {dialect.FixedString, "0001"}, {dialect.DateTime, ts},
		{dialect.Numeric, decimal.RequireFromString("-12.345")}, {dialect.Bool, true}, {dialect.Int, int64(42)},
		{dialect.Bytes, []byte("ab")},
	} {
		got, err := ParseText(dialect.Column{Name: "c", Kind: tt.kind}, Text(tt.v))
		if err != nil {
			t.Fatalf("%v: %v", tt.kind, err)
		}
		if Text(got) != Text(tt.v) {
			t.Errorf("%v: %v → %q → %v", tt.kind, tt.v, Text(tt.v), got)
		}
	}
	if _, err := ParseText(dialect.Column{Name: "c", Kind: dialect.ColumnKind(250)}, "x"); err == nil {
		t.Error("unknown kind accepted")
	}
}
