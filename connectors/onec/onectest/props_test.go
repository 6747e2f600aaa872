package onectest

import (
	"reflect"
	"testing"
)

func TestConnectorDBProps(t *testing.T) {
	for _, tt := range []struct {
		dsn  string
		want map[string]string
	}{
		{"postgres://postgres:secret@127.0.0.1:5432/trade?sslmode=disable",
			map[string]string{"database.url": "postgres://127.0.0.1:5432/trade?sslmode=disable", "database.user": "postgres", "database.password": "secret"}},
		{"postgres://postgres@127.0.0.1:5432/trade",
			map[string]string{"database.url": "postgres://127.0.0.1:5432/trade", "database.user": "postgres"}},
		{"sqlserver://sa:p%40ss@127.0.0.1:1433?database=t",
			map[string]string{"database.url": "sqlserver://127.0.0.1:1433?database=t", "database.user": "sa", "database.password": "p@ss"}},
	} {
		got, err := ConnectorDBProps(tt.dsn)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.dsn, got, err, tt.want)
		}
	}
}
