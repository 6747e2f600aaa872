package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValidators(t *testing.T) {
	tests := []struct {
		name    string
		v       Validator
		value   any
		wantErr string // "" = valid
	}{
		{"at least ok", AtLeast(1), int32(1), ""},
		{"at least low", AtLeast(1), int32(0), "Invalid value 0 for configuration k: Value must be at least 1"},
		{"at most", AtMost(10), int64(11), "Value must be no more than 10"},
		{"between short", Between(1, 65535), int16(-1), "Value must be at least 1"},
		{"between double", Between(0, 1), 1.5, "Invalid value 1.5 for configuration k: Value must be no more than 1"},
		{"between double ok", Between(0, 1), 0.25, ""},
		{"range non-number", AtLeast(0), "x", "Value must be a number"},
		{"duration ok", DurationAtLeast(time.Second), 2 * time.Second, ""},
		{"duration low", DurationBetween(time.Second, time.Hour), 10 * time.Millisecond, "Invalid value 10ms for configuration k: Value must be at least 1s"},
		{"duration high", DurationBetween(time.Second, time.Hour), 2 * time.Hour, "Value must be no more than 1h"},
		{"one of ok", OneOf("delete", "offset"), "offset", ""},
		{"one of bad", OneOf("delete", "offset"), "Delete", "Invalid value Delete for configuration k: String must be one of: delete, offset"},
		{"one of list ok", OneOf("a", "b"), []string{"b", "a"}, ""},
		{"one of list bad", OneOf("a", "b"), []string{"a", "c"}, "Invalid value c for configuration k: String must be one of: a, b"},
		{"one of fold", OneOfCaseInsensitive("delete", "offset"), "DELETE", ""},
		{"one of fold bad", OneOfCaseInsensitive("delete"), "x", "String must be one of (case insensitive): delete"},
		{"non-empty ok", NonEmptyString(), "x", ""},
		{"non-empty bad", NonEmptyString(), "", "Invalid value  for configuration k: String must be non-empty"},
		{"non-empty password", NonEmptyString(), Password(""), "Invalid value [hidden] for configuration k: String must be non-empty"},
		{"control ok", NonEmptyStringWithoutControlChars(), "заказы-1", ""},
		{"control empty", NonEmptyStringWithoutControlChars(), "", "String may not be empty"},
		{"control bad", NonEmptyStringWithoutControlChars(), "a\nb", "String may not contain control sequences but had the following ASCII chars: 10"},
		{"regex ok", Regex(`[a-z]+`, "lower-case letters"), "abc", ""},
		{"regex whole", Regex(`[a-z]+`, "lower-case letters"), "abc1", "Invalid value abc1 for configuration k: Value must match lower-case letters"},
		{"regex list", Regex(`[a-z]+`, ""), []string{"a", "B"}, "Value must match [a-z]+"},
		{"valid regex ok", ValidRegex(), "orders-.*", ""},
		{"valid regex bad", ValidRegex(), "a(", "Not a valid regular expression"},
		{"non-empty list", NonEmptyList(), []string{}, "List must not be empty"},
		{"non-empty list ok", NonEmptyList(), []string{"a"}, ""},
		{"unique ok", UniqueList(), []string{"a", "b"}, ""},
		{"unique dup", UniqueList(), []string{"a", "b", "a"}, `Duplicate item "a"`},
		{"unique empty", UniqueList(), []string{"a", ""}, "List items must not be empty"},
		{"func ok", ValidatorFunc("even", even), int32(2), ""},
		{"func bad", ValidatorFunc("even", even), int32(3), "Invalid value 3 for configuration k: must be even"},
		{"func typed error kept", ValidatorFunc("x", func(k string, v any) error {
			return &InvalidValueError{Key: k, Value: "v", Reason: "custom"}
		}), "v", "Invalid value v for configuration k: custom"},
		{"all ok", All(NonEmptyString(), OneOf("a", "b")), "a", ""},
		{"all first failure", All(NonEmptyString(), OneOf("a")), "", "String must be non-empty"},
		{"all second failure", All(NonEmptyString(), OneOf("a")), "b", "String must be one of: a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Validate("k", tt.value)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate(%v) = %v, want nil", tt.value, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate(%v) = %v, want containing %q", tt.value, err, tt.wantErr)
			}
			var ive *InvalidValueError
			if !errors.As(err, &ive) || ive.Key != "k" {
				t.Errorf("error %v is not an *InvalidValueError for key k", err)
			}
		})
	}
}

func even(_ string, v any) error {
	if v.(int32)%2 != 0 {
		return errors.New("must be even")
	}
	return nil
}

func TestValidatorStrings(t *testing.T) {
	tests := []struct {
		v    Validator
		want string
	}{
		{AtLeast(1), "[1,...]"},
		{AtMost(10), "[...,10]"},
		{Between(1, 65535), "[1,...,65535]"},
		{Between(0, 0.5), "[0,...,0.5]"},
		{AtLeast(-1), "[-1,...]"},
		{DurationAtLeast(time.Second), "[1s,...]"},
		{DurationBetween(10*time.Millisecond, time.Hour), "[10ms,...,1h]"},
		{OneOf("delete", "offset"), "[delete, offset]"},
		{OneOfCaseInsensitive("none", "all"), "(case insensitive) [none, all]"},
		{NonEmptyString(), "non-empty string"},
		{NonEmptyStringWithoutControlChars(), "non-empty string without ISO control characters"},
		{Regex(`\d+`, "digits"), "digits"},
		{Regex(`\d+`, ""), `\d+`},
		{ValidRegex(), "valid regular expression"},
		{NonEmptyList(), "non-empty list"},
		{UniqueList(), "list of unique, non-empty items"},
		{ValidatorFunc("even numbers", even), "even numbers"},
		{All(NonEmptyList(), UniqueList()), "non-empty list, list of unique, non-empty items"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T.String() = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestRecommendedValues(t *testing.T) {
	r, ok := OneOf("a", "b").(Recommender)
	if !ok || !reflect.DeepEqual(r.RecommendedValues(), []string{"a", "b"}) {
		t.Fatalf("OneOf recommended values = %v, %v", r, ok)
	}
	r, ok = All(NonEmptyString(), OneOf("x")).(Recommender)
	if !ok || !reflect.DeepEqual(r.RecommendedValues(), []string{"x"}) {
		t.Fatalf("All recommended values = %v, %v", r, ok)
	}
}

func TestRegexPanicsOnBadPattern(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Regex with a bad pattern did not panic")
		}
	}()
	Regex("a(", "")
}

func ExampleBetween() {
	fmt.Println(Between(1, 65535))
	fmt.Println(Between(1, 65535).Validate("port", int32(70000)))
	// Output:
	// [1,...,65535]
	// Invalid value 70000 for configuration port: Value must be no more than 65535
}
