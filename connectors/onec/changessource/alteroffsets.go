package changessource

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/dialect"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// Limits of the offset checks.
const (
	// offsetCheckTimeout bounds opening the database and reading the 1C
	// metadata for the checks that need it.
	offsetCheckTimeout = 5 * time.Second
	// maxMessageNo is the largest message.no accepted: _MessageNo is
	// numeric(10,0) and the task's next batch takes message.no+1.
	maxMessageNo int64 = 9_999_999_998
	// maxListed caps the object names quoted in one problem.
	maxListed = 10
)

var _ connect.ExternalOffsetAlterer = (*Connector)(nil)

// AlterExternalOffsets implements connect.ExternalOffsetAlterer (KIP-875
// PATCH and DELETE /connectors/<name>/offsets on a stopped connector). The
// runtime calls it on a fresh, unstarted instance; it stores nothing
// itself (managed is always false: the offsets live in the framework's
// store) and only checks the entries, so that an offset the tasks would
// refuse or misread is refused now instead of at the tasks' next start.
//
// Each partition must be exactly what the tasks write:
// {"exchange.plan", "node", "object"}, strings, the plan and the node
// spelt exactly as configured (the store matches partitions byte for
// byte, so another spelling would never be read), the object as the
// metadata's Russian full name (Справочник.Номенклатура) of one of the
// connector's objects. Each offset is one the tasks write or read back:
// {"message.no": N} with N a whole number from 0 to 9999999998,
// {"snapshot": "running", "snapshot.after": "[…]"} with the JSON array of
// the last key's texts (empty or absent: from the start), or
// {"snapshot": "done"}; message.no may go with snapshot. A nil offset
// resets the partition; a reset needs a well-formed partition but may name
// another plan, node or object (DELETE passes every stored partition,
// including those an earlier configuration left behind, and removing an
// offset no task reads is harmless).
//
// The checks that need the 1C metadata (the exact spelling of the object's
// name, the objects of the plan's content when objects is empty, the number
// and the form of the key texts in snapshot.after) run only when an entry
// carries an offset and the metadata can be read within a few seconds
// (offsetCheckTimeout, within ctx). When the database cannot be reached (or
// the configuration does not resolve against it) the entries are accepted
// after the checks that need no database: object names then compare
// case-insensitively with the configured ones, any object of a consumed
// kind is accepted when objects is empty, and the task checks the rest at
// start. All problems are returned together as a *common.OffsetsError.
func (c *Connector) AlterExternalOffsets(ctx context.Context, props map[string]string, offsets []connect.OffsetEntry) (managed bool, err error) {
	s, err := parseSettings(props)
	if err != nil {
		return false, &common.OffsetsError{Connector: Class, Problems: []string{"the connector configuration is invalid: " + err.Error()}}
	}
	log := c.log
	if log == nil {
		log = slog.Default().With("connector", props[connect.KeyName])
	}
	k := &offsetChecker{s: s}
	timeout := c.offsetTimeout
	if timeout <= 0 {
		timeout = offsetCheckTimeout
	}
	for _, e := range offsets {
		if e.Offset != nil {
			k.loadMetadata(ctx, timeout, log)
			break
		}
	}
	var problems []string
	for i, e := range offsets {
		where := fmt.Sprintf("entry %d, partition %s", i, common.JSONText(e.Partition))
		for _, p := range k.entry(e) {
			problems = append(problems, where+": "+p)
		}
	}
	if len(problems) > 0 {
		return false, &common.OffsetsError{Connector: Class, Problems: problems}
	}
	return false, nil
}

// offsetChecker checks submitted offsets against one configuration.
type offsetChecker struct {
	s *settings
	// With the metadata: the targets the tasks would read, the dialect and
	// the year offset their key texts are encoded with. targets is nil
	// without the metadata.
	targets []*target
	d       dialect.Dialect
	yo      int
}

// loadMetadata resolves the configuration's targets as a task would, within
// timeout; on failure the checker goes on without them.
func (k *offsetChecker) loadMetadata(ctx context.Context, timeout time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d, err := dialect.For(k.s.db.Scheme)
	if err != nil {
		log.Warn("offsets checked without the 1C metadata; the task checks the rest at start", "error", err)
		return
	}
	cat, err := common.OpenCatalog(ctx, k.s.db, log)
	if err != nil {
		log.Warn("offsets checked without the 1C metadata; the task checks the rest at start", "error", err)
		return
	}
	defer cat.Close()
	ib := cat.Snapshot()
	targets, _, err := resolveTargets(ib, d, k.s, k.s.objects)
	if err != nil {
		log.Warn("offsets checked without the 1C metadata: the configuration does not resolve; the task checks the rest at start", "error", err)
		return
	}
	k.targets, k.d, k.yo = targets, d, yearOffset(ib)
}

// entry returns the problems of one entry.
func (k *offsetChecker) entry(e connect.OffsetEntry) []string {
	tg, problems := k.partition(e.Partition, e.Offset == nil)
	if e.Offset != nil {
		problems = append(problems, k.offset(e.Offset, tg)...)
	}
	return problems
}

// partition checks a partition's shape and, unless reset, that it is one
// of this configuration's; tg is its target when the metadata is known.
func (k *offsetChecker) partition(p map[string]any, reset bool) (tg *target, problems []string) {
	if len(p) == 0 {
		return nil, []string{fmt.Sprintf("the partition is empty: wanted {%q: %q, %q: %q, %q: \"Справочник.…\"}",
			PartitionExchangePlan, k.s.plan, PartitionNode, k.s.node, PartitionObject)}
	}
	problems = unknownKeys(p, "partition", "a partition", PartitionExchangePlan, PartitionNode, PartitionObject)
	vals := map[string]string{}
	for _, key := range []string{PartitionExchangePlan, PartitionNode, PartitionObject} {
		v, ok := p[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("partition key %s is missing", key))
			continue
		}
		s, ok := v.(string)
		if !ok || strings.TrimSpace(s) == "" {
			problems = append(problems, fmt.Sprintf("partition key %s = %s: wanted a non-empty string", key, describe(v)))
			continue
		}
		vals[key] = s
	}
	if obj, ok := vals[PartitionObject]; ok {
		if msg := objectShape(obj); msg != "" {
			problems = append(problems, msg)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var foreign []string
	if plan := vals[PartitionExchangePlan]; plan != k.s.plan {
		if sameObject(plan, k.s.plan) {
			foreign = append(foreign, fmt.Sprintf("exchange.plan %q: the tasks write this connector's plan exactly as configured, %q; an offset under another spelling is never read", plan, k.s.plan))
		} else {
			foreign = append(foreign, fmt.Sprintf("exchange.plan %q: wanted this connector's exchange plan %q", plan, k.s.plan))
		}
	}
	if nd := vals[PartitionNode]; nd != k.s.node {
		if strings.EqualFold(strings.TrimSpace(nd), k.s.node) {
			foreign = append(foreign, fmt.Sprintf("node %q: the tasks write this connector's node exactly as configured, %q; an offset under another spelling is never read", nd, k.s.node))
		} else {
			foreign = append(foreign, fmt.Sprintf("node %q: wanted this connector's node %q", nd, k.s.node))
		}
	}
	tg, msg := k.object(vals[PartitionObject])
	if msg != "" {
		foreign = append(foreign, msg)
	}
	if reset {
		return nil, nil // possibly left by another configuration: resetting it is harmless
	}
	return tg, foreign
}

// objectShape checks that obj is a name the tasks could write: the Russian
// full name of an object of a kind the connector consumes. It returns a
// problem or "".
func objectShape(obj string) string {
	kindText, name, _ := strings.Cut(obj, ".")
	kind := metadata.ParseKind(kindText)
	if kind == metadata.KindUnknown || strings.TrimSpace(name) == "" || strings.Contains(name, ".") {
		return fmt.Sprintf("object %q: wanted a 1C full name Kind.Name with the kind in Russian, e.g. %s", obj, catalogExample)
	}
	if _, err := shapeOf(&metadata.Object{Kind: kind, Name: name}); err != nil || kind == metadata.KindExchangePlan {
		return fmt.Sprintf("object %q: the connector consumes no objects of kind %s", obj, kind.Russian())
	}
	if kindText != kind.Russian() {
		return fmt.Sprintf("object %q: the tasks write the kind in Russian, %q", obj, kind.Russian()+"."+name)
	}
	return ""
}

const catalogExample = "Справочник.Номенклатура"

// object finds the partition's object among this configuration's; msg
// says why it is not one of them ("" when it is). Without the metadata and
// without configured objects every object is taken as the task's (the
// plan's content is unknown); tg is then nil.
func (k *offsetChecker) object(obj string) (tg *target, msg string) {
	if k.targets != nil {
		names := make([]string, len(k.targets))
		for i, t := range k.targets {
			if t.fullName == obj {
				return t, ""
			}
			names[i] = t.fullName
		}
		for _, t := range k.targets {
			if sameObject(t.fullName, obj) {
				return nil, fmt.Sprintf("object %q: the tasks write it as the metadata spells it, %q", obj, t.fullName)
			}
		}
		return nil, fmt.Sprintf("object %q: not one of this connector's objects (%s)", obj, listNames(names))
	}
	if len(k.s.objects) == 0 {
		return nil, ""
	}
	names := make([]string, len(k.s.objects))
	for i, n := range k.s.objects {
		if sameObject(n, obj) {
			return nil, ""
		}
		names[i] = canonicalName(n)
	}
	return nil, fmt.Sprintf("object %q: not one of this connector's objects (%s)", obj, listNames(names))
}

// offset checks an offset's keys and values; tg, when known, checks the
// key texts of snapshot.after.
func (k *offsetChecker) offset(off map[string]any, tg *target) []string {
	if len(off) == 0 {
		return []string{fmt.Sprintf("the offset is empty: wanted {%q: N}, {%q: %q, %q: \"[…]\"} or {%q: %q}; null resets the partition",
			OffsetMessageNo, OffsetSnapshot, snapRunning, OffsetAfter, OffsetSnapshot, snapDone)}
	}
	problems := unknownKeys(off, "offset", "an offset", OffsetMessageNo, OffsetSnapshot, OffsetAfter)
	if v, ok := off[OffsetMessageNo]; ok {
		if n, ok := storedMessageNo(off); !ok || n < 0 || n > maxMessageNo {
			problems = append(problems, fmt.Sprintf("%s = %s: wanted a whole number from 0 to %d (the last message number sent)",
				OffsetMessageNo, describe(v), maxMessageNo))
		}
	}
	state, hasState := off[OffsetSnapshot]
	if hasState && state != snapRunning && state != snapDone {
		problems = append(problems, fmt.Sprintf("%s = %s: wanted %q or %q", OffsetSnapshot, describe(state), snapRunning, snapDone))
	}
	if v, ok := off[OffsetAfter]; ok {
		text, isText := v.(string)
		switch {
		case !isText:
			problems = append(problems, fmt.Sprintf("%s = %s: wanted a string holding a JSON array of the last key's texts, e.g. \"[\\\"…\\\"]\"",
				OffsetAfter, describe(v)))
		case !hasState || state == snapDone:
			problems = append(problems, fmt.Sprintf("%s = %s: goes only with %s %q (the tasks ignore it otherwise)",
				OffsetAfter, common.JSONText(v), OffsetSnapshot, snapRunning))
		case state == snapRunning && text != "":
			problems = append(problems, k.after(text, tg)...)
		}
	}
	return problems
}

// after checks a snapshot.after text: as restoreSnapshot reads it and, for
// keys with columns, as snapshotKeys turns it into query arguments.
func (k *offsetChecker) after(text string, tg *target) []string {
	var texts []string
	if err := json.Unmarshal([]byte(text), &texts); err != nil {
		return []string{fmt.Sprintf("%s = %s: not a JSON array of strings (%v)", OffsetAfter, common.JSONText(text), err)}
	}
	if tg == nil {
		if len(texts) == 0 {
			return []string{fmt.Sprintf("%s = %s: wanted a JSON array of at least one key text", OffsetAfter, common.JSONText(text))}
		}
		return nil
	}
	if len(texts) != len(tg.keyCols) {
		return []string{fmt.Sprintf("%s = %s: holds %d key text(s); %s wants %d (%s)",
			OffsetAfter, common.JSONText(text), len(texts), tg.fullName, len(tg.keyCols), strings.Join(tg.keyNames, ", "))}
	}
	if _, err := restoreSnapshot(tg, map[string]any{OffsetSnapshot: snapRunning, OffsetAfter: text}, SnapshotInitial); err != nil {
		return []string{fmt.Sprintf("%s = %s: %v", OffsetAfter, common.JSONText(text), err)}
	}
	if tg.shape == shapeConstant {
		return nil // the task reads no position of a constant's one row
	}
	if _, i, err := encodeKeyTexts(k.d, tg.keyCols, texts, k.yo); err != nil {
		return []string{fmt.Sprintf("%s = %s: key text %d (%s) %q does not fit %s: %v",
			OffsetAfter, common.JSONText(text), i+1, tg.keyNames[i], texts[i], tg.fullName, err)}
	}
	return nil
}

// canonicalName spells a full name with the kind in Russian; a name with
// an unknown kind stays as it is.
func canonicalName(n string) string {
	n = strings.TrimSpace(n)
	kindText, name, ok := strings.Cut(n, ".")
	if kind := metadata.ParseKind(kindText); ok && kind != metadata.KindUnknown {
		return kind.Russian() + "." + name
	}
	return n
}

// sameObject reports whether two full names name the same object: kinds in
// English or Russian, names case-insensitive (as 1C compares them).
func sameObject(a, b string) bool {
	return strings.EqualFold(canonicalName(a), canonicalName(b))
}

// listNames quotes up to maxListed names.
func listNames(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, 0, min(len(names), maxListed)+1)
	for i, n := range names {
		if i == maxListed {
			q = append(q, fmt.Sprintf("and %d more", len(names)-maxListed))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}

// describe renders a value with its JSON type, for wrong-type problems.
func describe(v any) string {
	var t string
	switch v.(type) {
	case nil:
		return "null"
	case string:
		t = "a string"
	case int, int32, int64:
		t = "an integer"
	case float32, float64:
		t = "a floating-point number"
	case bool:
		t = "a boolean"
	case map[string]any:
		t = "an object"
	case []any:
		t = "an array"
	default:
		t = fmt.Sprintf("a %T", v)
	}
	return common.JSONText(v) + " (" + t + ")"
}

// unknownKeys lists a problem for each key of m (sorted) that is not one
// of the known keys (two or more) a partition or an offset ("what",
// "a what") of this connector holds.
func unknownKeys(m map[string]any, what, aWhat string, known ...string) []string {
	last := len(known) - 1
	holds := strings.Join(known[:last], ", ") + " and " + known[last]
	var problems []string
	for _, key := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(known, key) {
			problems = append(problems, fmt.Sprintf("unknown %s key %q = %s: %s holds only %s", what, key, common.JSONText(m[key]), aWhat, holds))
		}
	}
	return problems
}
