package onectest

import (
	"context"
	"fmt"
	"strings"
)

// AddAttribute adds an attribute to an object of a built configuration the
// way the configurator's restructuring does: the attribute gets a new
// DBNames entry (the next code), its columns are added to the object's
// table (filled with the type's empty value, then NOT NULL unless the
// table's attributes are nullable), and the object's descriptor, the
// versions file and DBNames are rewritten with a later modification time,
// so a metadata reader's change detection sees the change. The attribute
// is appended to the Object of b's Configuration as well.
func (b *Built) AddAttribute(ctx context.Context, db DB, fullName string, a Attribute) error {
	ol, err := b.Object(fullName)
	if err != nil {
		return err
	}
	o := ol.Object
	switch o.Kind {
	case Catalog, Document, ExchangePlan, InformationRegister, AccumulationRegister:
	default:
		return fmt.Errorf("onectest: %s: a %s has no attributes", fullName, o.Kind)
	}
	if !validName(a.Name) {
		return fmt.Errorf("onectest: %s: attribute name %q is not a 1C identifier", fullName, a.Name)
	}
	if _, dup := ol.Fields[a.Name]; dup {
		return fmt.Errorf("onectest: %s already has a field %s", fullName, a.Name)
	}
	if err := a.Type.validate(); err != nil {
		return fmt.Errorf("onectest: %s.%s: %w", fullName, a.Name, err)
	}
	if err := b.Config.checkRefs(a.Type); err != nil {
		return fmt.Errorf("onectest: %s.%s: %w", fullName, a.Name, err)
	}
	f := b.newField(ol.UUID, a, roleAttribute)
	nullable := o.Kind == Catalog && o.Hierarchical
	var cols []*Column
	f.Columns, cols = fieldColumns(fmt.Sprintf("_Fld%d", f.Code), a.Type, nullable)
	table := ol.Table.PG()
	for _, c := range cols {
		if _, err := db.Exec(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s", table, c.PG(), c.PGType)); err != nil {
			return fmt.Errorf("onectest: add column %s.%s: %w", table, c.PG(), err)
		}
		if nullable {
			continue
		}
		cast := ""
		if c.kind == colString {
			cast = "::text"
		}
		if _, err := db.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = $1%s", table, c.PG(), cast), filler(c)); err != nil {
			return fmt.Errorf("onectest: fill column %s.%s: %w", table, c.PG(), err)
		}
		if _, err := db.Exec(ctx, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", table, c.PG())); err != nil {
			return fmt.Errorf("onectest: column %s.%s: %w", table, c.PG(), err)
		}
	}
	ol.Table.Columns = append(ol.Table.Columns, cols...)
	ol.Fields[a.Name] = f
	o.Attributes = append(o.Attributes, a)
	return b.rewriteFiles(ctx, db, ol.UUID, "versions", "DBNames", "DBNamesVersion-DBNames")
}

// rewriteFiles re-encodes the named Config/Params rows from the layout and
// stores them with a modification time later than any existing row's.
func (b *Built) rewriteFiles(ctx context.Context, db DB, names ...string) error {
	config, params, err := b.Files()
	if err != nil {
		return fmt.Errorf("onectest: build descriptors: %w", err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for _, set := range []struct {
		table string
		files []ConfigFile
	}{{"config", config}, {"params", params}} {
		for _, f := range set.files {
			if !want[f.Name] {
				continue
			}
			body := EncodeFile(f.Body, !uncompressedFiles[f.Name])
			tag, err := db.Exec(ctx, `UPDATE `+set.table+` SET binarydata = $2, datasize = $3,
				modified = GREATEST(localtimestamp(0), (SELECT max(modified) FROM `+set.table+`) + interval '1 second')
				WHERE filename::text = $1::text AND partno = 0`, f.Name, body, len(body))
			if err != nil {
				return fmt.Errorf("onectest: rewrite %s.%s: %w", set.table, f.Name, err)
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("onectest: rewrite %s.%s: %d rows", set.table, f.Name, tag.RowsAffected())
			}
			delete(want, f.Name)
		}
	}
	if len(want) > 0 {
		var missing []string
		for n := range want {
			missing = append(missing, n)
		}
		return fmt.Errorf("onectest: rewrite: no files %s", strings.Join(missing, ", "))
	}
	return nil
}
