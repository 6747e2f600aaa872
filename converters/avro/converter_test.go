package avro

import (
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/onecconnect/onecconnect/converters"
	"github.com/onecconnect/onecconnect/converters/avro/registry"
	"github.com/onecconnect/onecconnect/converters/avro/registrytest"
	"github.com/onecconnect/onecconnect/schema"
	"github.com/onecconnect/onecconnect/schema/schematest"
)

func TestPlugin(t *testing.T) {
	p := Plugin()
	if p.Class != Class || p.New == nil || p.Config == nil || len(p.Aliases) != 2 {
		t.Fatalf("plugin = %+v", p)
	}
	if _, ok := p.Config().Key(KeyRegistryURL); !ok {
		t.Fatal("ConfigDef lacks schema.registry.url")
	}
}

func TestConfigureErrors(t *testing.T) {
	tests := []map[string]string{
		{},
		{KeyRegistryURL: "http://127.0.0.1:1", "unknown.key": "x"},
		{KeyRegistryURL: "http://127.0.0.1:1", KeyBasicAuthSource: "USER_INFO", KeyBasicAuthUserInfo: "nocolon"},
		{KeyRegistryURL: "http://127.0.0.1:1", KeyValSubjectStrategy: "Nope"},
		{KeyRegistryURL: "http://127.0.0.1:1", KeySSLCALocation: "/nonexistent.pem"},
		{KeyRegistryURL: "not a url"},
	}
	for _, props := range tests {
		if err := New().Configure(props, false); err == nil {
			t.Errorf("Configure(%v) accepted", props)
		}
	}
}

func TestSubjectNameStrategies(t *testing.T) {
	s := schematest.OneCSchema()
	tests := []struct {
		strategy string
		isKey    bool
		want     string
	}{
		{TopicNameStrategy, false, "sales-value"},
		{"TopicNameStrategy", true, "sales-key"},
		{RecordNameStrategy, false, "Dokument.RealizatsiyaTovarovUslug"},
		{TopicRecordNameStrategy, true, "sales-Dokument.RealizatsiyaTovarovUslug"},
	}
	for _, tc := range tests {
		key := KeyValSubjectStrategy
		if tc.isKey {
			key = KeyKeySubjectStrategy
		}
		c, srv := newTestConverter(t, tc.isKey, map[string]string{key: tc.strategy})
		if _, err := c.FromConnect("sales", nil, s, schematest.OneCRecord(s, 1)); err != nil {
			t.Fatal(err)
		}
		if _, ok := srv.Subjects()[tc.want]; !ok {
			t.Errorf("%s: subjects %v, want %s", tc.strategy, srv.Subjects(), tc.want)
		}
	}
	c, _ := newTestConverter(t, false, map[string]string{KeyValSubjectStrategy: RecordNameStrategy})
	_, err := c.FromConnect("t", nil, schema.String().MustBuild(), "x")
	var de *converters.DataError
	if !errors.As(err, &de) {
		t.Fatalf("RecordNameStrategy with a string schema: %v", err)
	}
}

func TestAutoRegisterOffLooksUp(t *testing.T) {
	c, srv := newTestConverter(t, false, map[string]string{KeyAutoRegister: "false"})
	s := schematest.OneCSchema()
	rec := schematest.OneCRecord(s, 1)
	_, err := c.FromConnect("sales", nil, s, rec)
	var re *registry.Error
	var de *converters.DataError
	if !errors.As(err, &de) || !errors.As(err, &re) || re.Code != registry.CodeSubjectNotFound {
		t.Fatalf("unregistered schema: %v", err)
	}
	g, err := c.gen("sales", s)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := srv.Register("sales-value", g.text)
	data, err := c.FromConnect("sales", nil, s, rec)
	if err != nil || int(data[4]) != id {
		t.Fatalf("after registration: %v, id byte %d want %d", err, data[4], id)
	}
	if n := srv.Requests("POST /subjects/{subject}/versions"); n != 0 {
		t.Fatalf("converter registered %d schemas with auto.register.schemas=false", n)
	}
}

func TestUseLatestVersion(t *testing.T) {
	c, srv := newTestConverter(t, false, map[string]string{KeyAutoRegister: "false", KeyUseLatestVersion: "true"})
	s := schema.StructBuilder().Name("Товар").
		Field("Наименование", schema.String().MustBuild()).
		Field("Цена", schema.Decimal(2).MustBuild()).
		MustBuild()
	// The registered schema has an extra field with a default and another
	// field order: the converter writes with it.
	latest := `{"type":"record","name":"Tovar","fields":[` +
		`{"name":"Tsena","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2},"onec.name":"Цена"},` +
		`{"name":"extra","type":"string","default":"d"},` +
		`{"name":"Naimenovanie","type":"string","onec.name":"Наименование"}]}`
	id, _ := srv.Register("goods-value", latest)
	st := schema.NewStruct(s).MustPut("Наименование", "Чай").MustPut("Цена", "12.50")
	data, err := c.FromConnect("goods", nil, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if int(data[4]) != id {
		t.Fatalf("written with id %d, want %d", data[4], id)
	}
	m := genericDecode(t, latest, data)
	if m["extra"] != "d" || m["Naimenovanie"] != "Чай" {
		t.Fatalf("decoded %v", m)
	}
	gs, gv, err := c.ToConnect("goods", nil, data)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := gs.Field("Наименование"); !ok || f.Index != 2 {
		t.Fatalf("read schema fields: %v", gs.Fields())
	}
	if v, _ := gv.(*schema.Struct).Get("extra"); v != "d" {
		t.Fatalf("extra = %v", v)
	}
	// A registered schema the Connect schema cannot fill is a data error.
	srv.Register("bad-value", `{"type":"record","name":"X","fields":[{"name":"need","type":"int"}]}`)
	_, err = c.FromConnect("bad", nil, s, st)
	var de *converters.DataError
	if !errors.As(err, &de) {
		t.Fatalf("incompatible latest: %v", err)
	}
}

func TestToConnectErrors(t *testing.T) {
	c, srv := newTestConverter(t, false, nil)
	if s, v, err := c.ToConnect("t", nil, nil); s != nil || v != nil || err != nil {
		t.Fatalf("nil data: %v %v %v", s, v, err)
	}
	tests := map[string][]byte{
		"empty":      {},
		"short":      {0, 0, 0},
		"magic":      {1, 0, 0, 0, 1, 2},
		"zero id":    {0, 0, 0, 0, 0, 2},
		"unknown id": {0, 0, 0, 0, 9, 2},
	}
	for name, data := range tests {
		_, _, err := c.ToConnect("t", nil, data)
		var de *converters.DataError
		if !errors.As(err, &de) {
			t.Errorf("%s: err = %v, want DataError", name, err)
		}
	}
	srv.FailNext(500, 500, 500, 500)
	_, _, err := c.ToConnect("t", nil, []byte{0, 0, 0, 0, 3, 2})
	var de *converters.DataError
	if err == nil || errors.As(err, &de) || !registry.IsRetriable(err) {
		t.Fatalf("registry outage: err = %v, want a retriable non-data error", err)
	}
}

func TestFromConnectNilAndSchemaless(t *testing.T) {
	c, _ := newTestConverter(t, false, nil)
	if b, err := c.FromConnect("t", nil, schematest.OneCSchema(), nil); b != nil || err != nil {
		t.Fatalf("nil value: %v %v", b, err)
	}
	_, err := c.FromConnect("t", nil, nil, "x")
	var de *converters.DataError
	if !errors.As(err, &de) {
		t.Fatalf("schemaless: %v", err)
	}
	s := schematest.OneCSchema()
	st := schematest.OneCRecord(s, 1)
	st.Set(0, int32(5)) // Ссылка must be a string
	if _, err := c.FromConnect("t", nil, s, st); !errors.As(err, &de) {
		t.Fatalf("wrong type: %v", err)
	}
}

func TestRegistryTLSAndBasicAuthFromConfig(t *testing.T) {
	srv := registrytest.New(registrytest.Options{TLS: true, Username: "user", Password: "sec:ret"})
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	c := New()
	err := c.Configure(map[string]string{
		KeyRegistryURL:       srv.URL,
		KeySSLCALocation:     ca,
		KeyBasicAuthSource:   "USER_INFO",
		KeyBasicAuthUserInfo: "user:sec:ret",
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := schematest.OneCSchema()
	if _, err := c.FromConnect("sales", nil, s, schematest.OneCRecord(s, 1)); err != nil {
		t.Fatalf("over TLS with basic auth: %v", err)
	}
}

func TestSchemaMappingCases(t *testing.T) {
	entry := schema.StructBuilder().Field("x", schema.Int8().MustBuild()).MustBuild()
	tests := []*schema.Schema{
		schema.StructBuilder().
			Field("i8", schema.Int8().MustBuild()).
			Field("i16", schema.Int16().Optional().MustBuild()).
			Field("f32", schema.Float32().MustBuild()).
			Field("m", schema.Map(schema.String().MustBuild(), schema.Int32().Optional().MustBuild()).MustBuild()).
			Field("mi", schema.Map(schema.Int32().MustBuild(), schema.String().MustBuild()).MustBuild()).
			Field("withDefault", schema.String().Optional().Default("дефолт").MustBuild()).
			Field("doc", schema.Int64().Doc("документация").Param("k1", "v1").Param("a0", "v0").MustBuild()).
			Field("e1", entry).Field("e2", entry).
			Field("Е", schema.Bool().MustBuild()).Field("Э", schema.Bool().MustBuild()).Field("E", schema.Bool().MustBuild()).
			MustBuild(),
	}
	c, _ := newTestConverter(t, false, nil)
	for _, s := range tests {
		st := schema.NewStruct(s).
			MustPut("i8", int8(-5)).MustPut("i16", int16(300)).MustPut("f32", float32(1.5)).
			MustPut("m", map[string]any{"a": int32(1), "b": nil}).
			MustPut("mi", map[any]any{int32(7): "семь"}).
			MustPut("doc", int64(1)<<40).
			MustPut("e1", schema.NewStruct(entry).MustPut("x", int8(1))).
			MustPut("e2", schema.NewStruct(entry).MustPut("x", int8(2))).
			MustPut("Е", true).MustPut("Э", false).MustPut("E", true)
		data, err := c.FromConnect("cases", nil, s, st)
		if err != nil {
			t.Fatal(err)
		}
		gs, gv, err := c.ToConnect("cases", nil, data)
		if err != nil {
			t.Fatal(err)
		}
		if !gs.Equal(s) {
			t.Fatalf("schema round trip:\n got %v\nwant %v", gs.Fields(), s.Fields())
		}
		// The unset optional field was written as its default.
		st.MustPut("withDefault", "дефолт")
		if !schema.ValuesEqual(gv, st) {
			t.Fatalf("value round trip:\n got %v\nwant %v", gv, st)
		}
	}
}
