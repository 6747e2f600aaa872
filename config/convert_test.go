package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseValue(t *testing.T) {
	tests := []struct {
		typ     Type
		in      string
		want    any
		wantErr string
	}{
		{TypeString, "  abc ", "abc", ""},
		{TypeString, "", "", ""},
		{TypeClass, " FileStreamSink ", "FileStreamSink", ""},
		{TypePassword, " s3cret ", Password("s3cret"), ""},
		{TypeBoolean, "TRUE", true, ""},
		{TypeBoolean, " false ", false, ""},
		{TypeBoolean, "yes", nil, "Expected value to be either true or false"},
		{TypeBoolean, "", nil, "Expected value to be either true or false"},
		{TypeInt, "42", int32(42), ""},
		{TypeInt, "+7", int32(7), ""},
		{TypeInt, "-2147483648", int32(-2147483648), ""},
		{TypeInt, "2147483648", nil, "Not a number of type INT (out of range -2147483648..2147483647)"},
		{TypeInt, "1.5", nil, "Not a number of type INT"},
		{TypeInt, "0x10", nil, "Not a number of type INT"},
		{TypeInt, "1_000", nil, "Not a number of type INT"},
		{TypeInt, "", nil, "Not a number of type INT"},
		{TypeShort, "32767", int16(32767), ""},
		{TypeShort, "32768", nil, "Not a number of type SHORT (out of range -32768..32767)"},
		{TypeLong, "9223372036854775807", int64(9223372036854775807), ""},
		{TypeLong, "9223372036854775808", nil, "Not a number of type LONG (out of range"},
		{TypeDouble, "0.25", 0.25, ""},
		{TypeDouble, "1e3", 1000.0, ""},
		{TypeDouble, "NaN", nil, "Not a number of type DOUBLE"},
		{TypeDouble, "Infinity", nil, "Not a number of type DOUBLE"},
		{TypeDouble, "1_0", nil, "Not a number of type DOUBLE"},
		{TypeDouble, "abc", nil, "Not a number of type DOUBLE"},
		{TypeList, "", []string{}, ""},
		{TypeList, "   ", []string{}, ""},
		{TypeList, "a", []string{"a"}, ""},
		{TypeList, " a , b,c ", []string{"a", "b", "c"}, ""},
		{TypeList, "a,,b", []string{"a", "", "b"}, ""},
		{TypeList, "a,", []string{"a", ""}, ""},
		{TypeList, "Справочник.Номенклатура, Документ.Заказ", []string{"Справочник.Номенклатура", "Документ.Заказ"}, ""},
		{TypeDuration, "1500", 1500 * time.Millisecond, ""},
		{TypeDuration, "-1", -time.Millisecond, ""},
		{TypeDuration, "1h30m", 90 * time.Minute, ""},
		{TypeDuration, "250ms", 250 * time.Millisecond, ""},
		{TypeDuration, "5 s", nil, "Not a duration"},
		{TypeDuration, "99999999999999999", nil, "out of range"},
		{TypeDuration, "", nil, "Not a duration"},
	}
	for _, tt := range tests {
		got, err := parseValue(tt.typ, tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseValue(%s, %q) error = %v, want containing %q", tt.typ, tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseValue(%s, %q): %v", tt.typ, tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseValue(%s, %q) = %#v (%T), want %#v (%T)", tt.typ, tt.in, got, got, tt.want, tt.want)
		}
	}
}

func TestConvertDefault(t *testing.T) {
	tests := []struct {
		typ     Type
		in      any
		want    any
		wantErr bool
	}{
		{TypeInt, 5, int32(5), false},
		{TypeInt, int64(1) << 40, nil, true},
		{TypeInt, "7", int32(7), false},
		{TypeShort, 70000, nil, true},
		{TypeLong, 5, int64(5), false},
		{TypeDouble, 1, 1.0, false},
		{TypeDouble, float32(0.5), 0.5, false},
		{TypeBoolean, true, true, false},
		{TypeBoolean, 1, nil, true},
		{TypeList, []string{"a"}, []string{"a"}, false},
		{TypeList, "a,b", []string{"a", "b"}, false},
		{TypeDuration, time.Second, time.Second, false},
		{TypeDuration, "2m", 2 * time.Minute, false},
		{TypeDuration, 5, nil, true},
		{TypePassword, Password("x"), Password("x"), false},
		{TypeString, 5, nil, true},
	}
	for _, tt := range tests {
		got, err := convertDefault(tt.typ, tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("convertDefault(%s, %#v) error = %v, wantErr %v", tt.typ, tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !reflect.DeepEqual(got, tt.want) {
			t.Errorf("convertDefault(%s, %#v) = %#v, want %#v", tt.typ, tt.in, got, tt.want)
		}
	}
}

func TestFormatValue(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"x", "x"},
		{Password("secret"), HiddenValue},
		{true, "true"},
		{int16(-3), "-3"},
		{int32(1), "1"},
		{int64(60000), "60000"},
		{1.0, "1.0"},
		{0.5, "0.5"},
		{0.0, "0.0"},
		{1e7, "1.0E7"},
		{1.5e-4, "1.5E-4"},
		{-2.5e10, "-2.5E10"},
		{[]string{"a", "b"}, "a,b"},
		{[]string{}, ""},
		{5 * time.Second, "5s"},
		{time.Minute, "1m"},
		{time.Hour, "1h"},
		{90 * time.Minute, "1h30m"},
		{500 * time.Millisecond, "500ms"},
		{0 * time.Second, "0s"},
	}
	for _, tt := range tests {
		got, ok := formatValue(tt.in)
		if !ok || got != tt.want {
			t.Errorf("formatValue(%#v) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := formatValue(nil); ok {
		t.Error("formatValue(nil) ok = true, want false")
	}
}
