package common

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/uuid1c"
	"github.com/onecconnect/onecconnect/schema"
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

func TestRowMapper(t *testing.T) {
	ib := tradeInfobase(t)
	o, err := LookupObject(ib, "Catalog.Номенклатура")
	if err != nil {
		t.Fatal(err)
	}
	var props []*metadata.Property
	for _, n := range []string{"СтавкаНДС", "Вес", "Услуга", "Артикул", "ЕдиницаИзмерения"} {
		p, err := LookupProperty(o, n)
		if err != nil {
			t.Fatal(err)
		}
		props = append(props, p)
	}
	vat, _ := LookupObject(ib, "Перечисление.СтавкиНДС")
	ref, err := uuid1c.UUIDToBinary1C(vat.EnumValues[2].UUID.String())
	if err != nil {
		t.Fatal(err)
	}
	raw := []any{ref, decimal.RequireFromString("1.250"), true, "АРТ-1", "шт        "}
	for _, tt := range []struct {
		handling metadata.DecimalHandling
		weight   any
		wtype    schema.Type
	}{
		{metadata.DecimalPrecise, decimal.RequireFromString("1.25"), schema.BYTES},
		{metadata.DecimalDouble, 1.25, schema.FLOAT64},
		{metadata.DecimalString, "1.25", schema.STRING},
	} {
		m, err := NewRowMapper(dialect.Postgres(), o, props, MapperOptions{DecimalHandling: tt.handling})
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]any, m.Len())
		if err := m.Decode(raw, dst); err != nil {
			t.Fatal(err)
		}
		if dst[0] != vat.EnumValues[2].Name {
			t.Errorf("enum value %v, want %s", dst[0], vat.EnumValues[2].Name)
		}
		if d, ok := dst[1].(decimal.Decimal); ok {
			if !d.Equal(tt.weight.(decimal.Decimal)) {
				t.Errorf("weight %v", d)
			}
		} else if dst[1] != tt.weight {
			t.Errorf("weight %v (%T), want %v", dst[1], dst[1], tt.weight)
		}
		if m.FieldSchema(1).Type() != tt.wtype {
			t.Errorf("weight schema %s, want %s", m.FieldSchema(1).Type(), tt.wtype)
		}
		if dst[2] != true || dst[3] != "АРТ-1" || dst[4] != "шт" {
			t.Errorf("values %v", dst)
		}
		if err := m.Struct(dst).Validate(); err != nil {
			t.Errorf("struct does not match its schema: %v", err)
		}
		if m.Schema().Fields()[0].Name != "СтавкаНДС" {
			t.Errorf("field names must be the 1C names: %v", m.Schema().Fields())
		}
	}
	m, _ := NewRowMapper(dialect.Postgres(), o, props, MapperOptions{})
	if err := m.Decode([]any{[]byte{1, 2}, nil, nil, nil, nil}, make([]any, 5)); !errors.Is(err, dialect.ErrDecode) {
		t.Fatalf("a short reference decoded: %v", err)
	}
	doc, _ := LookupObject(ib, "Документ.РеализацияТоваровУслуг")
	basis, err := LookupProperty(doc, "Основание")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRowMapper(dialect.Postgres(), doc, []*metadata.Property{basis}, MapperOptions{}); !errors.Is(err, ErrUnsupportedType) {
		t.Fatalf("composite property: %v", err)
	}
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
