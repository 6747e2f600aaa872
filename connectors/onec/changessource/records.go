package changessource

import (
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/schema"
)

// Operations of the record value (Debezium's vocabulary).
const (
	OpRead   = "r" // initial snapshot
	OpCreate = "c" // never emitted: 1C's registration does not tell a new object from a changed one (see doc.go)
	OpUpdate = "u" // the object exists: its current state
	OpDelete = "d" // the object is gone (or a register record set is empty)
)

// records builds the records of one loaded object: the change record and,
// for a deletion with tombstones on, a tombstone. offset is the source
// offset every record carries.
func (t *target) records(l loaded, op string, tombstones bool, offset map[string]any, now time.Time) []*connect.SourceRecord {
	key := schema.NewStruct(t.keySchema)
	for i, s := range l.key.text {
		if t.shape == shapeConstant {
			key.Set(0, t.obj.Name)
			break
		}
		if l.key.params[i] != nil {
			key.Set(i, s)
		}
	}
	if l.data == nil && op != OpRead {
		op = OpDelete
	}
	val := schema.NewStruct(t.valueSchema)
	val.Set(0, op)
	val.Set(1, t.obj.Kind.String())
	val.Set(2, t.obj.Name)
	val.Set(3, now.UnixMilli())
	if l.data != nil {
		val.Set(4, t.asData(l.data))
	}
	rec := &connect.SourceRecord{Record: connect.Record{Topic: t.topic, KeySchema: t.keySchema, Key: key,
		ValueSchema: t.valueSchema, Value: val}, SourcePartition: t.partition, SourceOffset: offset}
	out := []*connect.SourceRecord{rec}
	if op == OpDelete && tombstones {
		out = append(out, &connect.SourceRecord{Record: connect.Record{Topic: t.topic, KeySchema: t.keySchema, Key: key},
			SourcePartition: t.partition, SourceOffset: offset})
	}
	return out
}

// asData gives an object's struct the optional schema of the data field
// (converters want the exact field schema).
func (t *target) asData(s *schema.Struct) *schema.Struct {
	if s.Schema() == t.dataSchema {
		return s
	}
	out := schema.NewStruct(t.dataSchema)
	for i := range t.dataSchema.Fields() {
		out.Set(i, s.Raw(i))
	}
	return out
}
