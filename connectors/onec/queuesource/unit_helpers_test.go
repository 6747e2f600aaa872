package queuesource

import (
	"context"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// memInfobase loads the Trade configuration's metadata without a database,
// as the given DBMS would store it.
func memInfobase(t testing.TB, dbms metadata.DBMS) *metadata.Infobase {
	t.Helper()
	return memInfobaseOf(t, onectest.Trade(), dbms)
}

// memInfobaseOf loads a configuration's metadata without a database.
func memInfobaseOf(t testing.TB, cfg *onectest.Configuration, dbms metadata.DBMS) *metadata.Infobase {
	t.Helper()
	l, err := onectest.Plan(cfg)
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
	ib, err := metadata.Load(context.Background(), metadata.NewMemorySource(dbms, enc(cfgFiles), enc(paramFiles), 0), metadata.LoadOptions{Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return ib
}

// baseProps is a minimal valid configuration (no database needed to parse).
func baseProps(extra map[string]string) map[string]string {
	p := map[string]string{
		"database.url": "postgres://127.0.0.1:5432/trade", KeyRegister: "РегистрСведений.ИсходящаяОчередь",
		KeyOrderBy: "НомерСообщения", KeyTopic: "orders",
	}
	for k, v := range extra {
		if v == "<unset>" {
			delete(p, k)
			continue
		}
		p[k] = v
	}
	return p
}
