package pgtest

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// TestBuild builds small configurations and checks that every object's
// table exists in the returned database, through the returned connection
// and through a new one on the returned URL, within the returned context.
func TestBuild(t *testing.T) {
	for _, c := range []struct {
		name    string
		cfg     *onectest.Configuration
		objects []string
	}{
		{"catalog", &onectest.Configuration{Name: "Один", Objects: []*onectest.Object{
			{Kind: onectest.Catalog, Name: "Товары", Attributes: []onectest.Attribute{{Name: "Артикул", Type: onectest.String(20)}}},
		}}, []string{"Справочник.Товары"}},
		{"catalog and register", &onectest.Configuration{Name: "Два", Objects: []*onectest.Object{
			{Kind: onectest.Catalog, Name: "Товары"},
			{Kind: onectest.InformationRegister, Name: "Цены",
				Dimensions: []onectest.Attribute{{Name: "Товар", Type: onectest.Ref("Справочник.Товары")}},
				Resources:  []onectest.Attribute{{Name: "Цена", Type: onectest.Number(15, 2)}}},
		}}, []string{"Справочник.Товары", "РегистрСведений.Цены"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, conn, built, dsn := Build(t, c.cfg, time.Minute)
			if _, ok := ctx.Deadline(); !ok {
				t.Error("the context has no deadline")
			}
			other, err := pgx.Connect(ctx, dsn)
			if err != nil {
				t.Fatalf("connect to the returned URL: %v", err)
			}
			defer other.Close(ctx)
			for _, name := range c.objects {
				ol, err := built.Object(name)
				if err != nil {
					t.Fatal(err)
				}
				for _, db := range []*pgx.Conn{conn, other} {
					var exists bool
					if err := db.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", ol.Table.PG()).Scan(&exists); err != nil {
						t.Fatalf("look for %s: %v", ol.Table.PG(), err)
					}
					if !exists {
						t.Errorf("%s: table %s does not exist", name, ol.Table.PG())
					}
				}
			}
		})
	}
}
