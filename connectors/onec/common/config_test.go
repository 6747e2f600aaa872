package common

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/config"
)

func TestParseDatabaseURL(t *testing.T) {
	tests := []struct {
		name, url, wantErr string
		credentials        bool
	}{
		{name: "postgres", url: "postgres://127.0.0.1:5432/trade?sslmode=verify-full&sslrootcert=/ca.pem"},
		{name: "postgresql scheme", url: "postgresql://127.0.0.1/trade"},
		{name: "sqlserver", url: "sqlserver://127.0.0.1:1433?database=trade&encrypt=true&TrustServerCertificate=false"},
		{name: "password in userinfo", url: "postgres://u:secret@127.0.0.1/trade", wantErr: "database.password", credentials: true},
		{name: "user in userinfo", url: "postgres://u@127.0.0.1/trade", wantErr: "database.user", credentials: true},
		{name: "password parameter", url: "sqlserver://127.0.0.1?database=x&password=secret", wantErr: "database.password", credentials: true},
		{name: "user id parameter", url: "sqlserver://127.0.0.1?database=x&user%20id=sa", wantErr: "database.user", credentials: true},
		{name: "other scheme", url: "mysql://127.0.0.1/x", wantErr: "postgres:// or sqlserver://"},
		{name: "no database", url: "postgres://127.0.0.1", wantErr: "no database"},
		{name: "sqlserver no database", url: "sqlserver://127.0.0.1", wantErr: "no database"},
		{name: "empty", url: " ", wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseDatabaseURL(tt.url)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to mention %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrCredentialsInURL) != tt.credentials {
				t.Fatalf("errors.Is(ErrCredentialsInURL) = %v", !tt.credentials)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestDatabaseConfigNeverShowsPassword(t *testing.T) {
	def := DatabaseConfigDef()
	infos := def.Validate("x", map[string]string{KeyDatabaseURL: "postgres://u:topsecret@127.0.0.1/db"})
	for _, m := range infos.Messages() {
		if strings.Contains(m, "topsecret") {
			t.Fatalf("validation message leaks the password: %s", m)
		}
	}
	if len(infos.Messages()) == 0 {
		t.Fatal("password in URL accepted")
	}
	v, err := def.Parse(map[string]string{KeyDatabaseURL: "postgres://127.0.0.1:5/db?sslmode=require", KeyDatabaseUser: "reader", KeyDatabasePassword: "p@ss:w/rd"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := ParseDatabase(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := db.DSN(), "postgres://reader:p%40ss%3Aw%2Frd@127.0.0.1:5/db?sslmode=require"; got != want {
		t.Fatalf("DSN %s, want %s", got, want)
	}
	if strings.Contains(db.Redacted(), "p@ss") || strings.Contains(db.Redacted(), "reader:") {
		t.Fatalf("Redacted shows credentials: %s", db.Redacted())
	}
	if !def.IsPassword(KeyDatabasePassword) {
		t.Fatal("database.password is not a PASSWORD key")
	}
	var _ config.Password = db.Password
}
