package metadata

import (
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
)

// TestRefreshPostgres changes the configuration in the database (a new
// attribute added through onectest, as restructuring does) and checks that
// Refresh installs a new snapshot while the old one stays unchanged.
func TestRefreshPostgres(t *testing.T) {
	ctx, url, conn, built := buildPG(t, onectest.Trade())
	r, err := Open(ctx, url, LoadOptions{Logger: discardLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	old := r.Snapshot()
	if changed, err := r.Refresh(ctx); err != nil || changed {
		t.Fatalf("Refresh without a change = %v, %v", changed, err)
	}
	oldItems, err := old.Lookup("Справочник.Номенклатура")
	if err != nil {
		t.Fatal(err)
	}
	oldAttrs, oldCols := len(oldItems.Attributes), len(oldItems.Columns())

	if err := built.AddAttribute(ctx, conn, "Справочник.Номенклатура",
		onectest.Attribute{Name: "Штрихкод", Synonym: "Штрихкод", Type: onectest.String(40)}); err != nil {
		t.Fatal(err)
	}
	changed, err := r.Refresh(ctx)
	if err != nil || !changed {
		t.Fatalf("Refresh after the change = %v, %v", changed, err)
	}
	cur := r.Snapshot()
	if cur == old || cur.Fingerprint == old.Fingerprint {
		t.Fatal("the snapshot was not replaced")
	}
	items, err := cur.Lookup("Catalog.Номенклатура")
	if err != nil {
		t.Fatal(err)
	}
	if len(items.Attributes) != oldAttrs+1 {
		t.Fatalf("%d attributes after the change, want %d", len(items.Attributes), oldAttrs+1)
	}
	p := items.Attributes[len(items.Attributes)-1]
	ol, _ := built.Object("Справочник.Номенклатура")
	f, err := ol.Field("Штрихкод")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Штрихкод" || p.Type.Describe() != "String(40)" || p.UUID.String() != f.UUID {
		t.Errorf("new attribute = %s %s %s", p.Name, p.Type.Describe(), p.UUID)
	}
	sameColumns(t, "new columns vs information_schema", readerColumns(items.Columns()), tableColumns(t, ctx, conn, items.Table))

	// The old snapshot is untouched.
	if len(oldItems.Attributes) != oldAttrs || len(oldItems.Columns()) != oldCols || oldItems.Infobase() != old {
		t.Errorf("old snapshot changed: %d attributes, %d columns", len(oldItems.Attributes), len(oldItems.Columns()))
	}
	if o, _ := old.Lookup("Справочник.Номенклатура"); o != oldItems {
		t.Error("old snapshot resolves to a different object")
	}
	if changed, err := r.Refresh(ctx); err != nil || changed {
		t.Errorf("second Refresh = %v, %v", changed, err)
	}
}
