package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

const secret = "Pa55-w0rd!"

func TestPasswordNeverPrints(t *testing.T) {
	p := Password(secret)
	type holder struct {
		User     string
		Password Password
		Ptr      *Password
	}
	h := holder{User: "u", Password: p, Ptr: &p}
	outputs := map[string]string{
		"String":   p.String(),
		"GoString": p.GoString(),
	}
	for _, verb := range []string{"%s", "%v", "%+v", "%#v", "%q", "%x", "%X", "%10s", "%d", "%T"} {
		outputs["Password "+verb] = fmt.Sprintf(verb, p)
		outputs["struct "+verb] = fmt.Sprintf(verb, h)
		outputs["pointer "+verb] = fmt.Sprintf(verb, &h)
		outputs["slice "+verb] = fmt.Sprintf(verb, []Password{p})
		outputs["map "+verb] = fmt.Sprintf(verb, map[string]any{"k": p})
	}
	outputs["Sprint"] = fmt.Sprint(p)
	outputs["Sprintln"] = fmt.Sprintln(p)
	outputs["Errorf %w-less"] = fmt.Errorf("connect with %v", p).Error()
	j, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	// Note: a Password used as a JSON map key is written as is (encoding/json
	// uses string-kind keys directly); never key maps by secrets.
	txt, _ := p.MarshalText()
	outputs["text"] = string(txt)

	for name, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("%s leaks the secret: %s", name, out)
		}
	}
	if !strings.Contains(outputs["json"], `"Password":"[hidden]"`) {
		t.Errorf("json = %s", outputs["json"])
	}
	if p.Value() != secret {
		t.Error("Value() does not return the secret")
	}
}

func logCapture(t *testing.T, fn func(*slog.Logger)) string {
	t.Helper()
	var buf bytes.Buffer
	fn(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	fn(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	return buf.String()
}

func TestPasswordNeverLogged(t *testing.T) {
	p := validProps()
	p["database.password"] = secret
	p["producer.override.ssl.key.password"] = "client-" + secret
	v, err := testDef().Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	out := logCapture(t, func(l *slog.Logger) {
		l.Info("password", "password", v.Password("database.password"))
		l.Info("any", slog.Any("p", v.Get("database.password")))
		l.Info("config", "config", v)
		l.Debug("values", "values", fmt.Sprint(v))
		l.Error("masked", "props", MaskPasswords(testDef(), p))
	})
	if strings.Contains(out, secret) {
		t.Fatalf("log output leaks a secret:\n%s", out)
	}
	if !strings.Contains(out, `"database.password":"[hidden]"`) || !strings.Contains(out, `config.database.password=[hidden]`) {
		t.Errorf("log output does not show the masked key:\n%s", out)
	}
}

func TestValuesPrintingMasksPasswords(t *testing.T) {
	p := validProps()
	p["database.password"] = secret
	p["consumer.override.sasl.jaas.config"] = "jaas-" + secret
	p["consumer.override.max.poll.records"] = "10"
	v, err := testDef().Parse(p)
	if err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%v", *v), string(j)} {
		if strings.Contains(out, secret) {
			t.Errorf("Values output leaks the secret: %s", out)
		}
		if !strings.Contains(out, "max.poll.records") {
			t.Errorf("Values output lacks pass-through keys: %s", out)
		}
	}
	var decoded map[string]any
	if err := json.Unmarshal(j, &decoded); err != nil {
		t.Fatalf("Values JSON invalid: %v\n%s", err, j)
	}
	if decoded["database.password"] != HiddenValue || decoded["poll.interval"] != "5s" || decoded["tasks.max"] != 1.0 {
		t.Errorf("Values JSON = %s", j)
	}
}

func TestErrorsNeverQuotePasswords(t *testing.T) {
	d := NewConfigDef().
		Define(Key{Name: "pw", Type: TypePassword, Required: true, Validator: ValidatorFunc("8+ chars, no quotes",
			func(key string, v any) error {
				// A careless validator that quotes the value it got.
				if s := v.(Password).Value(); strings.Contains(s, "!") {
					return fmt.Errorf("bad character in %s", s)
				}
				return nil
			})}).
		Define(Key{Name: "short", Type: TypePassword, Required: true, Validator: All(NonEmptyString())})
	props := map[string]string{"pw": secret, "short": "", "producer.override.ssl.key.password": secret}
	_, err := d.Parse(props)
	if err == nil {
		t.Fatal("Parse succeeded")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("Parse error leaks the secret: %v", err)
	}
	infos := d.Validate("X", props)
	j, _ := json.Marshal(infos)
	if bytes.Contains(j, []byte(secret)) {
		t.Errorf("ConfigInfos leaks the secret: %s", j)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Errors["pw"]) != 1 || len(ve.Errors["short"]) != 1 {
		t.Errorf("errors = %v", err)
	}
}

func TestMaskPasswords(t *testing.T) {
	in := map[string]string{
		"database.password":                  "literal",
		"database.url":                       "postgres://127.0.0.1/db",
		"auth.token":                         "${file:/etc/secrets.properties:token}",
		"producer.override.ssl.key.password": "kp",
		"producer.override.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required password="x";`,
		"consumer.override.max.poll.records": "10",
		"mixed.password":                     "pre${env:X}",
	}
	d := testDef()
	got := MaskPasswords(d, in)
	want := map[string]string{
		"database.password":                  HiddenValue,
		"database.url":                       "postgres://127.0.0.1/db",
		"auth.token":                         "${file:/etc/secrets.properties:token}",
		"producer.override.ssl.key.password": HiddenValue,
		"producer.override.sasl.jaas.config": HiddenValue,
		"consumer.override.max.poll.records": "10",
		"mixed.password":                     HiddenValue,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MaskPasswords =\n%v\nwant\n%v", got, want)
	}
	if in["database.password"] != "literal" {
		t.Error("MaskPasswords modified its input")
	}
	if got := MaskPasswords(nil, map[string]string{"database.password": "x", "topic": "t"}); got["database.password"] != HiddenValue || got["topic"] != "t" {
		t.Errorf("MaskPasswords(nil) = %v", got)
	}
}
