package tablesource

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata/rowmap"
)

// offsetMetadataWait bounds the metadata read of AlterExternalOffsets: a
// REST request must not hang on an unreachable database.
const offsetMetadataWait = 5 * time.Second

// partitionObject is the one key of the source partition.
const partitionObject = "object"

// offsetKeys are the keys this connector writes into an offset.
var offsetKeys = []string{OffsetPass, OffsetAfter, OffsetDone, OffsetDoneMS, OffsetVersion, OffsetVStart}

var _ connect.ExternalOffsetAlterer = (*Connector)(nil)

// AlterExternalOffsets implements connect.ExternalOffsetAlterer: it checks
// the offsets submitted with PATCH /connectors/<name>/offsets (KIP-875) on
// the stopped connector before the runtime stores them, so that a wrong
// offset is refused with the request instead of failing the task at its
// next start (restorePosition). It is called on a fresh, unstarted
// Connector and changes nothing: managed is always false, the offsets live
// in the framework's offset store.
//
// For every entry with an offset, the partition must be exactly
// {"object": "<full name>"} naming one of the configured objects (their
// kinds in English or Russian, compared without case), spelt as the task
// writes it: the Russian kind and the name as in the 1C metadata
// ("Справочник.Номенклатура"); an offset stored under another spelling
// would never be read. The offset may hold only the keys the task writes,
// of their types: pass (a whole number from 1), after ("" or a JSON array
// of the keyset key's texts), done (a boolean), done.ms, version and
// version.start (whole numbers), as parseOffset reads them.
//
// Checks that need the 1C metadata: the exact case of the object's name,
// the number of texts in "after" (the object's keyset key) and whether
// each of them is a value of its key column. The metadata is read as Start
// reads it, within offsetMetadataWait (and ctx); when the database cannot
// be reached in that time, the offsets are accepted after the checks that
// need no database, and the task checks the rest when it starts
// (ErrBadOffset).
//
// An entry with a nil offset (a reset) is always accepted: removing an
// offset cannot make the task fail, and DELETE /connectors/<name>/offsets
// passes every partition of the offset store, including those of objects
// no longer configured.
//
// All problems of the request are reported in one *common.OffsetsError
// (wrapping common.ErrOffsetsRefused), each naming the object (or the partition), the key,
// the value and what is wanted.
func (c *Connector) AlterExternalOffsets(ctx context.Context, props map[string]string, offsets []connect.OffsetEntry) (managed bool, err error) {
	var sets []connect.OffsetEntry
	for _, e := range offsets {
		if e.Offset != nil {
			sets = append(sets, e)
		}
	}
	if len(sets) == 0 {
		return false, nil
	}
	s, err := parseSettings(props)
	if err != nil {
		return false, &common.OffsetsError{Connector: Class, Problems: []string{"the connector configuration is invalid: " + err.Error()}}
	}
	problems := make([][]string, len(sets)) // by entry, in the request's order
	subs := make([]submitted, 0, len(sets))
	for i, e := range sets {
		sub, why := checkPartition(e.Partition, s.objects)
		if why != "" {
			problems[i] = append(problems[i], fmt.Sprintf("partition %s: %s", partitionText(e.Partition), why))
			continue
		}
		sub.entry, sub.offset = i, e.Offset
		subs = append(subs, sub)
	}
	var meta *offsetMetadata
	if len(subs) > 0 {
		names := make([]string, len(subs))
		for i, sub := range subs {
			names[i] = sub.configured
		}
		log := slog.Default()
		if meta, err = readOffsetMetadata(ctx, s, names, log); err != nil {
			log.Warn("OneCTableSource: offsets checked without the 1C metadata; the resume keys are checked when the task starts",
				"err", err)
		}
	}
	for _, sub := range subs {
		problems[sub.entry] = append(problems[sub.entry], meta.check(sub)...)
	}
	var all []string
	for _, ps := range problems {
		all = append(all, ps...)
	}
	if len(all) == 0 {
		return false, nil
	}
	return false, &common.OffsetsError{Connector: Class, Problems: all}
}

// submitted is an offset entry whose partition names a configured object.
type submitted struct {
	entry      int            // its index among the entries with an offset
	object     string         // the partition's object, as submitted
	configured string         // the configured name it matches
	offset     map[string]any // the submitted offset
}

// checkPartition checks that partition is {"object": name} with name one
// of the configured objects (in any spelling: spelledRU); why says what is
// wrong, "" when nothing is.
func checkPartition(partition map[string]any, configured []string) (sub submitted, why string) {
	const want = `want {"object": "<1C full name of a configured object>"}`
	v, ok := partition[partitionObject]
	switch {
	case !ok:
		return sub, `no "object" key; ` + want
	case len(partition) > 1:
		var extra []string
		for k := range partition {
			if k != partitionObject {
				extra = append(extra, fmt.Sprintf("%q", k))
			}
		}
		sort.Strings(extra)
		return sub, "unknown key " + strings.Join(extra, ", ") + "; " + want
	}
	name, ok := v.(string)
	if !ok {
		return sub, fmt.Sprintf("object = %#v is not a text; %s", v, want)
	}
	ru, ok := spelledRU(name)
	if ok {
		for _, c := range configured {
			if cru, ok := spelledRU(c); ok && strings.EqualFold(ru, cru) {
				return submitted{object: name, configured: c}, ""
			}
		}
	}
	return sub, fmt.Sprintf("%q is not one of the configured objects (%s = %s)", name, KeyObjects, strings.Join(configured, ","))
}

// spelledRU returns fullName with its kind in Russian, the way the task
// writes its partitions (metadata.Object.FullNameRU); ok is false when it
// is not "Kind.Name" with a 1C kind (metadata.ParseKind).
func spelledRU(fullName string) (ru string, ok bool) {
	kind, name, found := strings.Cut(strings.TrimSpace(fullName), ".")
	k := metadata.ParseKind(kind)
	if !found || name == "" || k == metadata.KindUnknown {
		return "", false
	}
	return k.Russian() + "." + name, true
}

// partitionText renders a partition for a message, as JSON.
func partitionText(partition map[string]any) string {
	b, err := json.Marshal(partition)
	if err != nil {
		return fmt.Sprintf("%v", partition)
	}
	return string(b)
}

// unknownOffsetKeys lists the keys of off this connector does not write,
// sorted, each with the closest known key when there is one.
func unknownOffsetKeys(object string, off map[string]any) []offsetProblem {
	var ps []offsetProblem
	for k, v := range off {
		known := false
		for _, ok := range offsetKeys {
			known = known || k == ok
		}
		if known {
			continue
		}
		want := "not a key of this connector's offsets, which are " + strings.Join(offsetKeys, ", ")
		if s := common.Suggest(k, offsetKeys, 1); len(s) > 0 {
			want += "; did you mean " + s[0] + "?"
		}
		ps = append(ps, offsetProblem{object: object, key: k, value: v, want: want})
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].key < ps[j].key })
	return ps
}

// offsetMetadata is what the 1C metadata tells about the objects of the
// submitted offsets. A nil *offsetMetadata (not read) checks without it.
type offsetMetadata struct {
	targets map[string]*target // by configured name; absent when it cannot be planned
	d       dialect.Dialect
	yo      int // the infobase's year offset
}

// readOffsetMetadata reads the 1C metadata as Start does, within
// offsetMetadataWait, and plans each configured object of names as the
// task does (newTarget). An object the metadata does not have, or cannot
// be read, has no target: the task reports it when it starts.
func readOffsetMetadata(ctx context.Context, s *settings, names []string, log *slog.Logger) (*offsetMetadata, error) {
	d, err := dialect.For(s.db.Scheme)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, offsetMetadataWait)
	defer cancel()
	cat, err := common.OpenCatalog(ctx, s.db, log)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	ib := cat.Snapshot()
	mode, err := metadata.ParseDecimalHandling(s.db.DecimalHandling)
	if err != nil {
		mode = metadata.DecimalPrecise
	}
	m, err := rowmap.New(ib, rowmap.Options{Schema: metadata.SchemaOptions{DecimalHandling: mode}})
	if err != nil {
		return nil, fmt.Errorf("row mapper: %w", err)
	}
	meta := &offsetMetadata{targets: map[string]*target{}, d: d, yo: max(ib.YearOffset, 0)}
	for _, n := range names {
		if _, ok := meta.targets[n]; ok {
			continue
		}
		o, err := common.LookupObject(ib, n)
		if err != nil {
			continue
		}
		if tg, err := newTarget(m, o, s); err == nil {
			meta.targets[n] = tg
		}
	}
	return meta, nil
}

// check lists what is wrong with sub's partition spelling and offset: with
// meta, against the object's metadata; with a nil meta (or an object it
// could not plan), only what can be told without it.
func (meta *offsetMetadata) check(sub submitted) []string {
	var tg *target
	if meta != nil {
		tg = meta.targets[sub.configured]
	}
	var out []string
	spelling := func(want string) {
		out = append(out, fmt.Sprintf("partition %s: want %s, the partition under which the task reads this object's offset "+
			"(the Russian kind and the name as in the 1C metadata)", partitionText(map[string]any{partitionObject: sub.object}),
			partitionText(map[string]any{partitionObject: want})))
	}
	var key []dialect.Column
	if tg != nil {
		key = tg.key
		if sub.object != tg.fullName {
			spelling(tg.fullName)
		}
	} else if ru, _ := spelledRU(sub.object); sub.object != ru {
		spelling(ru)
	}
	ps := unknownOffsetKeys(sub.object, sub.offset)
	p, _, shape := parseOffset(sub.object, sub.offset, key)
	ps = append(ps, shape...)
	if tg != nil && p.after != nil {
		for i, text := range p.after {
			v, err := common.ParseText(tg.key[i], text)
			if err == nil {
				_, err = meta.d.Encode(tg.key[i], v, meta.yo)
			}
			if err != nil {
				ps = append(ps, offsetProblem{object: sub.object, key: OffsetAfter, value: sub.offset[OffsetAfter],
					want: fmt.Sprintf("text %d (%q) is not a value of key column %s: %v", i+1, text, tg.key[i].Name, err)})
			}
		}
	}
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
