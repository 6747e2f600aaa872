package dialect

import (
	"errors"
	"strings"
	"testing"
)

func TestQuoteIdent(t *testing.T) {
	tests := []struct {
		name     string
		pg, ms   string // "" = refused
		pgLonger bool   // accepted by SQL Server only (length)
	}{
		{name: "_Reference12", pg: `"_reference12"`, ms: `[_Reference12]`},
		{name: "_Fld345RRef", pg: `"_fld345rref"`, ms: `[_Fld345RRef]`},
		{name: "_Document120_VT121", pg: `"_document120_vt121"`, ms: `[_Document120_VT121]`},
		{name: "_reference53_idrref", pg: `"_reference53_idrref"`, ms: `[_reference53_idrref]`},
		{name: "_InfoRgChngR21", pg: `"_inforgchngr21"`, ms: `[_InfoRgChngR21]`},
		{name: "Config", pg: `"config"`, ms: `[Config]`},
		{name: "ofset", pg: `"ofset"`, ms: `[ofset]`},
		{name: "onec_offsets", pg: `"onec_offsets"`, ms: `[onec_offsets]`},
		{name: "dbo._Reference12", pg: `"dbo"."_reference12"`, ms: `[dbo].[_Reference12]`},
		{name: "public._reference12", pg: `"public"."_reference12"`, ms: `[public].[_reference12]`},
		{name: ""},
		{name: "users"},
		{name: "_"},
		{name: "_1abc"},
		{name: "onec_"},
		{name: "_Reference12; DROP TABLE x"},
		{name: `_Ref"x`},
		{name: "_Ref]x"},
		{name: "_Réf"},
		{name: "_Ref 12"},
		{name: "pg_catalog._reference12"},
		{name: "a.b.c"},
		{name: "dbo."},
		{name: "1abc"},
		{name: "_" + strings.Repeat("a", 62), pg: `"_` + strings.Repeat("a", 62) + `"`, ms: `[_` + strings.Repeat("a", 62) + `]`},
		{name: "_" + strings.Repeat("a", 63), ms: `[_` + strings.Repeat("a", 63) + `]`, pgLonger: true},
		{name: "_" + strings.Repeat("a", 128)},
	}
	for _, tt := range tests {
		for _, d := range []Dialect{Postgres(), SQLServer()} {
			want := tt.pg
			if d.Name() == NameSQLServer {
				want = tt.ms
			}
			got, err := d.QuoteIdent(tt.name)
			if want == "" {
				if err == nil || !errors.Is(err, ErrBadIdentifier) {
					t.Errorf("%s: QuoteIdent(%q) = %q, %v; want ErrBadIdentifier", d.Name(), tt.name, got, err)
				}
				continue
			}
			if err != nil || got != want {
				t.Errorf("%s: QuoteIdent(%q) = %q, %v; want %q", d.Name(), tt.name, got, err, want)
			}
		}
	}
}

func TestFor(t *testing.T) {
	for in, want := range map[string]string{
		"postgres": NamePostgres, "PostgreSQL": NamePostgres, "pgx": NamePostgres,
		"postgres://127.0.0.1:5432/db": NamePostgres, "sqlserver": NameSQLServer, "mssql": NameSQLServer,
		"sqlserver://127.0.0.1?database=x": NameSQLServer,
	} {
		d, err := For(in)
		if err != nil || d.Name() != want {
			t.Errorf("For(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"", "mysql", "oracle://x"} {
		if _, err := For(in); !errors.Is(err, ErrUnknownDialect) {
			t.Errorf("For(%q) error = %v, want ErrUnknownDialect", in, err)
		}
	}
}

func TestPlaceholder(t *testing.T) {
	if got := Postgres().Placeholder(3); got != "$3" {
		t.Errorf("postgres placeholder = %q", got)
	}
	if got := SQLServer().Placeholder(3); got != "@p3" {
		t.Errorf("sqlserver placeholder = %q", got)
	}
}
