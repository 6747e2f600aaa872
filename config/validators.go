package config

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Validator checks one parsed value. Validate receives the key and the value
// in its canonical Go type (see [Values.Get]); it is never called with nil
// (an optional key without a value is not validated). It returns an error in
// Kafka's wording, normally an [*InvalidValueError]; other errors are
// wrapped into one. String describes the valid values for documentation and
// the REST API, e.g. "[1,...,65535]" or "[delete, offset]".
//
// Validators must be safe for concurrent use.
type Validator interface {
	Validate(key string, value any) error
	String() string
}

// Recommender is implemented by validators that know the full set of valid
// values (OneOf); ConfigDef.Validate reports them as recommended_values.
type Recommender interface {
	RecommendedValues() []string
}

// typeChecker is implemented by the validators of this package so that
// Define can reject a validator put on a key of the wrong type.
type typeChecker interface {
	supports(t Type) bool
}

func invalid(key string, value any, reason string) error {
	s, ok := formatValue(value)
	if !ok {
		s = "null"
	}
	return &InvalidValueError{Key: key, Value: s, Reason: reason}
}

// ---- numeric ranges ----

type rangeValidator struct {
	min, max       float64
	hasMin, hasMax bool
}

// AtLeast accepts numbers (INT, SHORT, LONG, DOUBLE) ≥ min; String is "[min,...]".
func AtLeast(min float64) Validator { return rangeValidator{min: min, hasMin: true} }

// AtMost accepts numbers ≤ max; String is "[...,max]".
func AtMost(max float64) Validator { return rangeValidator{max: max, hasMax: true} }

// Between accepts numbers in [lo, hi]; String is "[lo,...,hi]".
func Between(lo, hi float64) Validator {
	return rangeValidator{min: lo, max: hi, hasMin: true, hasMax: true}
}

func (r rangeValidator) supports(t Type) bool {
	return t == TypeInt || t == TypeShort || t == TypeLong || t == TypeDouble
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (r rangeValidator) Validate(key string, value any) error {
	f, ok := toFloat64(value)
	if !ok {
		return invalid(key, value, "Value must be a number")
	}
	if r.hasMin && f < r.min {
		return invalid(key, value, "Value must be at least "+num(r.min))
	}
	if r.hasMax && f > r.max {
		return invalid(key, value, "Value must be no more than "+num(r.max))
	}
	return nil
}

func (r rangeValidator) String() string {
	switch {
	case !r.hasMin:
		return "[...," + num(r.max) + "]"
	case !r.hasMax:
		return "[" + num(r.min) + ",...]"
	}
	return "[" + num(r.min) + ",...," + num(r.max) + "]"
}

// ---- duration ranges ----

type durationRange struct {
	min, max       time.Duration
	hasMin, hasMax bool
}

// DurationAtLeast accepts DURATION values ≥ min; String is e.g. "[1s,...]".
func DurationAtLeast(min time.Duration) Validator { return durationRange{min: min, hasMin: true} }

// DurationBetween accepts DURATION values in [lo, hi]; String is e.g. "[1s,...,1h]".
func DurationBetween(lo, hi time.Duration) Validator {
	return durationRange{min: lo, max: hi, hasMin: true, hasMax: true}
}

func (r durationRange) supports(t Type) bool { return t == TypeDuration }

func (r durationRange) Validate(key string, value any) error {
	d, ok := value.(time.Duration)
	if !ok {
		return invalid(key, value, "Value must be a duration")
	}
	if r.hasMin && d < r.min {
		return invalid(key, value, "Value must be at least "+formatDuration(r.min))
	}
	if r.hasMax && d > r.max {
		return invalid(key, value, "Value must be no more than "+formatDuration(r.max))
	}
	return nil
}

func (r durationRange) String() string {
	if !r.hasMax {
		return "[" + formatDuration(r.min) + ",...]"
	}
	return "[" + formatDuration(r.min) + ",...," + formatDuration(r.max) + "]"
}

// ---- sets of strings ----

type oneOf struct {
	values []string
	fold   bool
}

// OneOf accepts a STRING or CLASS equal to one of values, or a LIST whose
// every item is one of them (Kafka's ValidString / ValidList). String is
// "[a, b]"; the values are also reported as recommended_values.
func OneOf(values ...string) Validator { return oneOf{values: append([]string{}, values...)} }

// OneOfCaseInsensitive is OneOf comparing with strings.EqualFold
// (Kafka's CaseInsensitiveValidString). String is "(case insensitive) [a, b]".
func OneOfCaseInsensitive(values ...string) Validator {
	return oneOf{values: append([]string{}, values...), fold: true}
}

func (o oneOf) supports(t Type) bool { return t == TypeString || t == TypeClass || t == TypeList }

func (o oneOf) match(s string) bool {
	for _, v := range o.values {
		if v == s || (o.fold && strings.EqualFold(v, s)) {
			return true
		}
	}
	return false
}

func (o oneOf) Validate(key string, value any) error {
	reason := "String must be one of: " + strings.Join(o.values, ", ")
	if o.fold {
		reason = "String must be one of (case insensitive): " + strings.Join(o.values, ", ")
	}
	switch v := value.(type) {
	case string:
		if !o.match(v) {
			return invalid(key, v, reason)
		}
	case []string:
		for _, item := range v {
			if !o.match(item) {
				return invalid(key, item, reason)
			}
		}
	default:
		return invalid(key, value, "Value must be a string")
	}
	return nil
}

func (o oneOf) String() string {
	s := "[" + strings.Join(o.values, ", ") + "]"
	if o.fold {
		s = "(case insensitive) " + s
	}
	return s
}

// RecommendedValues implements Recommender.
func (o oneOf) RecommendedValues() []string { return append([]string{}, o.values...) }

// ---- strings ----

type nonEmptyString struct{}

// NonEmptyString rejects an empty STRING, CLASS or PASSWORD (after trimming,
// which parsing already did). String is "non-empty string".
func NonEmptyString() Validator { return nonEmptyString{} }

func (nonEmptyString) supports(t Type) bool {
	return t == TypeString || t == TypeClass || t == TypePassword
}

func (nonEmptyString) Validate(key string, value any) error {
	switch v := value.(type) {
	case string:
		if v == "" {
			return invalid(key, v, "String must be non-empty")
		}
	case Password:
		if v == "" {
			return invalid(key, v, "String must be non-empty")
		}
	default:
		return invalid(key, value, "Value must be a string")
	}
	return nil
}

func (nonEmptyString) String() string { return "non-empty string" }

type noControlChars struct{}

// NonEmptyStringWithoutControlChars rejects an empty string and one holding
// ISO control characters (Kafka's rule for connector names).
func NonEmptyStringWithoutControlChars() Validator { return noControlChars{} }

func (noControlChars) supports(t Type) bool { return t == TypeString }

func (noControlChars) Validate(key string, value any) error {
	s, ok := value.(string)
	if !ok {
		return invalid(key, value, "Value must be a string")
	}
	if s == "" {
		return invalid(key, s, "String may not be empty")
	}
	var bad []string
	for _, r := range s {
		if unicode.IsControl(r) {
			bad = append(bad, strconv.Itoa(int(r)))
		}
	}
	if len(bad) > 0 {
		return invalid(key, strconv.Quote(s), "String may not contain control sequences but had the following ASCII chars: "+strings.Join(bad, ", "))
	}
	return nil
}

func (noControlChars) String() string { return "non-empty string without ISO control characters" }

type regexValidator struct {
	re   *regexp.Regexp
	desc string
}

// Regex accepts a STRING or CLASS that matches pattern as a whole (or a LIST
// whose every item does). description is what String returns and what the
// error message names ("Value must match <description>"); when empty, the
// pattern is used. Regex panics if pattern does not compile: it is a
// programming error.
func Regex(pattern, description string) Validator {
	re := regexp.MustCompile(`^(?:` + pattern + `)$`)
	if description == "" {
		description = pattern
	}
	return regexValidator{re: re, desc: description}
}

func (r regexValidator) supports(t Type) bool {
	return t == TypeString || t == TypeClass || t == TypeList
}

func (r regexValidator) Validate(key string, value any) error {
	switch v := value.(type) {
	case string:
		if !r.re.MatchString(v) {
			return invalid(key, v, "Value must match "+r.desc)
		}
	case []string:
		for _, item := range v {
			if !r.re.MatchString(item) {
				return invalid(key, item, "Value must match "+r.desc)
			}
		}
	default:
		return invalid(key, value, "Value must be a string")
	}
	return nil
}

func (r regexValidator) String() string { return r.desc }

type validRegex struct{}

// ValidRegex accepts a STRING (or every item of a LIST) that compiles as a
// regular expression (Go's RE2 syntax, which differs from Java's for
// backreferences and lookaround). String is "valid regular expression".
func ValidRegex() Validator { return validRegex{} }

func (validRegex) supports(t Type) bool { return t == TypeString || t == TypeList }

func (validRegex) Validate(key string, value any) error {
	var items []string
	switch v := value.(type) {
	case string:
		items = []string{v}
	case []string:
		items = v
	default:
		return invalid(key, value, "Value must be a string")
	}
	for _, item := range items {
		if _, err := regexp.Compile(item); err != nil {
			return invalid(key, item, "Not a valid regular expression: "+err.Error())
		}
	}
	return nil
}

func (validRegex) String() string { return "valid regular expression" }

// ---- lists ----

type nonEmptyList struct{}

// NonEmptyList rejects an empty LIST. String is "non-empty list".
func NonEmptyList() Validator { return nonEmptyList{} }

func (nonEmptyList) supports(t Type) bool { return t == TypeList }

func (nonEmptyList) Validate(key string, value any) error {
	l, ok := value.([]string)
	if !ok {
		return invalid(key, value, "Value must be a list")
	}
	if len(l) == 0 {
		return invalid(key, "", "List must not be empty")
	}
	return nil
}

func (nonEmptyList) String() string { return "non-empty list" }

type uniqueList struct{}

// UniqueList rejects a LIST with a repeated or an empty item (the rule for
// transforms and predicates aliases). String is "list of unique, non-empty items".
func UniqueList() Validator { return uniqueList{} }

func (uniqueList) supports(t Type) bool { return t == TypeList }

func (uniqueList) Validate(key string, value any) error {
	l, ok := value.([]string)
	if !ok {
		return invalid(key, value, "Value must be a list")
	}
	seen := make(map[string]bool, len(l))
	for _, item := range l {
		if item == "" {
			return invalid(key, l, "List items must not be empty")
		}
		if seen[item] {
			return invalid(key, l, "Duplicate item "+strconv.Quote(item))
		}
		seen[item] = true
	}
	return nil
}

func (uniqueList) String() string { return "list of unique, non-empty items" }

// ---- custom and composite ----

type funcValidator struct {
	desc string
	fn   func(key string, value any) error
}

// ValidatorFunc makes a Validator from a function and the description String
// returns. fn receives the canonical typed value; an error that is not an
// *InvalidValueError becomes its Reason. Never put a password's value into
// the error text (password values are masked in the wrapper, not inside fn's
// text).
func ValidatorFunc(description string, fn func(key string, value any) error) Validator {
	return funcValidator{desc: description, fn: fn}
}

func (f funcValidator) Validate(key string, value any) error {
	err := f.fn(key, value)
	if err == nil {
		return nil
	}
	var ive *InvalidValueError
	if errors.As(err, &ive) {
		return ive
	}
	return invalid(key, value, err.Error())
}

func (f funcValidator) String() string { return f.desc }

type allOf []Validator

// All combines validators: the value must pass each, in order; the first
// failure is reported. String joins their descriptions with ", ".
func All(validators ...Validator) Validator { return allOf(append([]Validator{}, validators...)) }

func (a allOf) supports(t Type) bool {
	for _, v := range a {
		if tc, ok := v.(typeChecker); ok && !tc.supports(t) {
			return false
		}
	}
	return true
}

func (a allOf) Validate(key string, value any) error {
	for _, v := range a {
		if err := v.Validate(key, value); err != nil {
			return err
		}
	}
	return nil
}

func (a allOf) String() string {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = v.String()
	}
	return strings.Join(parts, ", ")
}

// RecommendedValues reports the first member's recommendations, if any.
func (a allOf) RecommendedValues() []string {
	for _, v := range a {
		if r, ok := v.(Recommender); ok {
			return r.RecommendedValues()
		}
	}
	return nil
}
