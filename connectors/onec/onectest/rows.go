package onectest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// InsertObject writes one catalog item, document or exchange-plan node with
// its tabular-section rows (by section name) and returns its reference.
// Without an explicit Ссылка the row becomes the next generated row of the
// object (see Ref), and Код/Номер default to that row number.
func (b *Built) InsertObject(ctx context.Context, db DB, fullName string, row Row, sections map[string][]Row) (Reference, error) {
	return b.insertObject(fullName, row, sections, func(t *Table, vals map[string]any) error { return b.insertRow(ctx, db, t, vals, nil) })
}

// insertObject is InsertObject for both DBMSs: insert writes one row.
func (b *Built) insertObject(fullName string, row Row, sections map[string][]Row, insert func(t *Table, vals map[string]any) error) (Reference, error) {
	ol, err := b.Object(fullName)
	if err != nil {
		return Reference{}, err
	}
	o := ol.Object
	if o.Kind != Catalog && o.Kind != Document && o.Kind != ExchangePlan {
		return Reference{}, fmt.Errorf("onectest: InsertObject: %s is not a catalog, document or exchange plan", fullName)
	}
	vals, err := b.rowValues(ol.Table, ol.Fields, row)
	if err != nil {
		return Reference{}, err
	}
	if _, ok := vals["_IDRRef"]; !ok {
		b.generated[o]++
		n := b.generated[o]
		vals["_IDRRef"] = RowID(ol.UUID, n)
		for _, col := range []string{"_Code", "_Number"} {
			c := ol.Table.Column(col)
			if _, set := vals[col]; c != nil && !set {
				if c.kind == colNumber {
					vals[col] = n
				} else {
					vals[col] = padNumber(n, c.length)
				}
			}
		}
	}
	id, ok := vals["_IDRRef"].([]byte)
	if !ok || len(id) != 16 {
		return Reference{}, fmt.Errorf("onectest: Ссылка of %s must be a Reference or 16 bytes", fullName)
	}
	if err := insert(ol.Table, vals); err != nil {
		return Reference{}, fmt.Errorf("onectest: %s: %w", fullName, err)
	}
	for name, rows := range sections {
		sl, err := ol.Section(name)
		if err != nil {
			return Reference{}, err
		}
		for i, r := range rows {
			sv, err := b.rowValues(sl.Table, sl.Fields, r)
			if err != nil {
				return Reference{}, fmt.Errorf("onectest: %s.%s row %d: %w", fullName, name, i+1, err)
			}
			sv[sl.OwnerKey] = id
			sv["_KeyField"] = typeCode(i + 1)
			sv[sl.LineNo] = i + 1
			if err := insert(sl.Table, sv); err != nil {
				return Reference{}, fmt.Errorf("onectest: %s.%s: %w", fullName, name, err)
			}
		}
	}
	return Reference{Object: o.FullName(), ID: id}, nil
}

// InsertRecords writes register records. For registers subordinate to a
// recorder, each row needs Регистратор (a Reference to a document);
// НомерСтроки defaults to the position among rows with the same recorder.
// Активность defaults to true.
func (b *Built) InsertRecords(ctx context.Context, db DB, register string, rows []Row) error {
	ol, err := b.Object(register)
	if err != nil {
		return err
	}
	if ol.Object.Kind != InformationRegister && ol.Object.Kind != AccumulationRegister {
		return fmt.Errorf("onectest: InsertRecords: %s is not a register", register)
	}
	lines := map[string]int{}
	for i, r := range rows {
		vals, err := b.rowValues(ol.Table, ol.Fields, r)
		if err != nil {
			return fmt.Errorf("onectest: %s record %d: %w", register, i+1, err)
		}
		if ol.Table.Column("_RecorderRRef") != nil {
			rec, ok := vals["_RecorderRRef"].([]byte)
			if !ok || len(rec) != 16 {
				return fmt.Errorf("onectest: %s record %d: Регистратор must be a document Reference", register, i+1)
			}
			lines[string(rec)]++
			if _, set := vals["_LineNo"]; !set {
				vals["_LineNo"] = lines[string(rec)]
			}
			if _, set := vals["_Active"]; !set {
				vals["_Active"] = true
			}
		}
		if err := b.insertRow(ctx, db, ol.Table, vals, nil); err != nil {
			return fmt.Errorf("onectest: %s: %w", register, err)
		}
	}
	return nil
}

// RegisterChange registers a change of one object for a node of an
// exchange plan, as the platform does on write when the object is in the
// plan's content: a row in the object's change table with _MessageNo NULL.
// key identifies the object: Ссылка for catalogs and documents,
// Регистратор for recorder-subordinate registers, Период and the
// dimensions for independent information registers, nothing for constants.
func (b *Built) RegisterChange(ctx context.Context, db DB, plan, nodeCode, fullName string, key Row) error {
	return b.registerChange(plan, nodeCode, fullName, key, func(t *Table, vals map[string]any) error { return b.insertRow(ctx, db, t, vals, nil) })
}

// registerChange is RegisterChange for both DBMSs: insert writes the row.
func (b *Built) registerChange(plan, nodeCode, fullName string, key Row, insert func(t *Table, vals map[string]any) error) error {
	ol, err := b.Object(fullName)
	if err != nil {
		return err
	}
	if ol.ChangeTable == nil {
		return fmt.Errorf("onectest: %s is in no exchange plan", fullName)
	}
	pl, err := b.Object(plan)
	if err != nil {
		return err
	}
	if !b.inContent(pl, ol) {
		return fmt.Errorf("onectest: %s is not in the content of %s", fullName, plan)
	}
	node, err := b.NodeRef(plan, nodeCode)
	if err != nil {
		return err
	}
	var vals map[string]any
	if ol.Object.Kind == Constant {
		id, _ := dbUUID(ol.UUID)
		vals = map[string]any{"_ConstID": id}
	} else {
		vals, err = b.rowValues(ol.ChangeTable, ol.Fields, key)
		if err != nil {
			return err
		}
		if ol.Object.Kind == InformationRegister && !ol.Object.RecorderSubordinate {
			// Key columns of independent registers are NULLable; write the
			// ones the key names and the fillers of the rest of each field.
			for _, d := range ol.Object.Dimensions {
				f := ol.Fields[d.Name]
				for _, c := range f.Columns.names() {
					if _, ok := vals[c]; !ok {
						vals[c] = filler(ol.ChangeTable.Column(c))
					}
				}
			}
		}
	}
	vals["_NodeTRef"] = typeCode(pl.Code)
	vals["_NodeRRef"] = node
	return insert(ol.ChangeTable, vals)
}

func (b *Built) inContent(plan, obj *ObjectLayout) bool {
	for _, c := range plan.Object.Content {
		if b.Config.Object(c) == obj.Object {
			return true
		}
	}
	return false
}

// QueueMessage is one record of an outgoing or incoming queue register
// shaped like those of Trade (see the package documentation).
type QueueMessage struct {
	Number  int64 // НомерСообщения (outgoing)
	Type    string
	Key     string
	Headers string
	Body    string
	Created time.Time
	// Incoming queue only: Kafka coordinates.
	Topic     string
	Partition int32
	Offset    int64
}

// PutOutgoing writes messages into РегистрСведений.ИсходящаяОчередь as 1C
// code would: one record per message, keyed by НомерСообщения.
func (b *Built) PutOutgoing(ctx context.Context, db DB, msgs []QueueMessage) error {
	rows := make([]Row, len(msgs))
	for i, m := range msgs {
		rows[i] = Row{"НомерСообщения": m.Number, "ТипСообщения": m.Type, "Ключ": m.Key,
			"Заголовки": m.Headers, "Тело": m.Body, "ДатаСоздания": m.Created}
	}
	return b.InsertRecords(ctx, db, OutgoingQueue, rows)
}

// Names of the queue registers of Trade.
const (
	OutgoingQueue = "РегистрСведений.ИсходящаяОчередь"
	IncomingQueue = "РегистрСведений.ВходящаяОчередь"
)

func padNumber(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}
