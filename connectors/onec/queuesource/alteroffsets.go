package queuesource

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/onecconnect/onecconnect/connect"
	"github.com/onecconnect/onecconnect/connectors/onec/common"
	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

var _ connect.ExternalOffsetAlterer = (*Connector)(nil)

// AlterExternalOffsets implements connect.ExternalOffsetAlterer. The
// runtime calls it on a fresh, unstarted Connector when the offsets of a
// stopped connector are changed through the REST API (PATCH or DELETE
// /connectors/<name>/offsets), before it writes them to its offset store;
// props is the connector's configuration. It reads no database and keeps
// no state, so it is safe for concurrent use; ctx is not used.
//
// Every entry that sets an offset is checked against what the tasks write
// and read for this configuration: in offset mode the partition must be
// {"register": <the register's Russian full name>}, plus {"split": <one of
// split.values, as configured>} exactly when split.field is set, and the
// offset {"number": N} with N a whole number ≥ 0 (the last delivered
// order.by number; the task resumes after it). In delete mode the queue
// itself is the position and stored offsets are never read, so setting
// one is refused. A reset (a nil Offset) is always accepted, whatever its
// partition: it is harmless, and a DELETE passes every stored partition,
// including those of an earlier configuration, which must stay removable
// (Kafka's own source connectors do the same).
//
// An error lists every problem found and means nothing was changed.
// managed is always false: the offsets live in the framework's store.
func (c *Connector) AlterExternalOffsets(ctx context.Context, props map[string]string, offsets []connect.OffsetEntry) (managed bool, err error) {
	sets := false
	for _, e := range offsets {
		sets = sets || e.Offset != nil
	}
	if !sets {
		return false, nil // resets only
	}
	cfg, err := ParseConfig(props)
	if err != nil {
		return false, &common.OffsetsError{Connector: Class, Problems: []string{"the connector configuration is invalid: " + err.Error()}}
	}
	if problems := checkOffsets(cfg, offsets); len(problems) > 0 {
		return false, &common.OffsetsError{Connector: Class, Problems: problems}
	}
	return false, nil
}

// checkOffsets returns the problems of the entries that set an offset,
// each naming the entry's position and partition; resets are skipped.
func checkOffsets(cfg *Config, entries []connect.OffsetEntry) []string {
	var problems []string
	if cfg.Mode == ModeDelete {
		for i, e := range entries {
			if e.Offset != nil {
				problems = append(problems, fmt.Sprintf("entry %d, partition %s: offset %s cannot be set in %s=%s: the queue itself is the position "+
					"(delivered rows are deleted) and stored offsets are never read, so only a reset (offset null) is accepted",
					i+1, common.JSONText(e.Partition), common.JSONText(e.Offset), KeyMode, ModeDelete))
			}
		}
		return problems
	}
	register, err := partitionRegister(cfg.Register)
	if err != nil {
		return []string{err.Error()}
	}
	for i, e := range entries {
		if e.Offset == nil {
			continue
		}
		at := fmt.Sprintf("entry %d, partition %s: ", i+1, common.JSONText(e.Partition))
		for _, p := range checkPartition(cfg, register, e.Partition) {
			problems = append(problems, at+p)
		}
		for _, p := range checkOffset(cfg, e.Offset) {
			problems = append(problems, at+p)
		}
	}
	return problems
}

// partitionRegister returns the register value of the tasks' source
// partitions for the configured register name: the Russian kind
// (РегистрСведений) and the name as configured. The tasks take the name
// from the 1C metadata, whose case may differ from the configuration's;
// checkPartition compares it case-insensitively.
func partitionRegister(configured string) (string, error) {
	kind, name, ok := strings.Cut(strings.TrimSpace(configured), ".")
	if !ok || name == "" || strings.Contains(name, ".") || metadata.ParseKind(kind) != metadata.KindInformationRegister {
		return "", fmt.Errorf("%s=%q is not the full name of an information register (%s.<name>), so no offset can be checked against it",
			KeyRegister, configured, metadata.KindInformationRegister.Russian())
	}
	return metadata.KindInformationRegister.Russian() + "." + name, nil
}

// checkPartition returns the problems of a partition against the one the
// tasks write for cfg; want is partitionRegister's value.
func checkPartition(cfg *Config, want string, part map[string]any) []string {
	var problems []string
	if v, ok := part[PartitionRegister]; !ok {
		problems = append(problems, fmt.Sprintf("partition key %q is missing, want %q: %q", PartitionRegister, PartitionRegister, want))
	} else {
		s, isString := v.(string)
		wantKind, wantName, _ := strings.Cut(want, ".")
		kind, name, _ := strings.Cut(s, ".")
		switch {
		case !isString:
			problems = append(problems, fmt.Sprintf("partition key %q is %s, want the string %q", PartitionRegister, describe(v), want))
		case kind == wantKind && strings.EqualFold(name, wantName):
		case metadata.ParseKind(kind) == metadata.KindInformationRegister && strings.EqualFold(name, wantName):
			problems = append(problems, fmt.Sprintf("partition key %q is %q, want %q (the tasks write the register's Russian full name, "+
				"and a partition spelled otherwise is never read)", PartitionRegister, s, want))
		default:
			problems = append(problems, fmt.Sprintf("partition key %q is %q, want %q (%s=%s)", PartitionRegister, s, want, KeyRegister, cfg.Register))
		}
	}
	v, ok := part[PartitionSplit]
	switch {
	case cfg.SplitField == "" && ok:
		problems = append(problems, fmt.Sprintf("partition key %q is %s, but %s is not set: want no %q key", PartitionSplit, describe(v), KeySplitField, PartitionSplit))
	case cfg.SplitField == "":
	case !ok:
		problems = append(problems, fmt.Sprintf("partition key %q is missing, want one of %s (%s=%s)", PartitionSplit, splitValues(cfg), KeySplitField, cfg.SplitField))
	default:
		s, isString := v.(string)
		switch {
		case !isString:
			problems = append(problems, fmt.Sprintf("partition key %q is %s, want a string, one of %s", PartitionSplit, describe(v), splitValues(cfg)))
		case !slices.Contains(cfg.SplitValues, s):
			problems = append(problems, fmt.Sprintf("partition key %q is %q, want one of %s, exactly as configured", PartitionSplit, s, splitValues(cfg)))
		}
	}
	known := "only " + quoteKeys(PartitionRegister)
	if cfg.SplitField != "" {
		known = "only " + quoteKeys(PartitionRegister, PartitionSplit)
	}
	for _, k := range slices.Sorted(maps.Keys(part)) {
		if k != PartitionRegister && k != PartitionSplit {
			problems = append(problems, fmt.Sprintf("unknown partition key %q = %s, want %s", k, describe(part[k]), known))
		}
	}
	return problems
}

// checkOffset returns the problems of an offset map: exactly the key
// number, holding a whole number ≥ 0.
func checkOffset(cfg *Config, off map[string]any) []string {
	orderBy := cfg.OrderBy
	if orderBy == "" {
		orderBy = KeyOrderBy
	}
	wantNumber := fmt.Sprintf("a whole number from 0 to %d, the last delivered %s number (the task resumes after it)", int64(math.MaxInt64), orderBy)
	var problems []string
	if v, ok := off[OffsetNumber]; !ok {
		problems = append(problems, fmt.Sprintf("offset key %q is missing, want %s", OffsetNumber, wantNumber))
	} else if _, ok := offsetNumber(v); !ok {
		problems = append(problems, fmt.Sprintf("offset key %q is %s, want %s", OffsetNumber, describe(v), wantNumber))
	}
	for _, k := range slices.Sorted(maps.Keys(off)) {
		if k != OffsetNumber {
			problems = append(problems, fmt.Sprintf("unknown offset key %q = %s, want only %s", k, describe(off[k]), quoteKeys(OffsetNumber)))
		}
	}
	return problems
}

// offsetNumber returns the number of an offset value when it is one the
// task can resume after: the types loadOffsets accepts (whole numbers as
// int64, int, int32 or float64), and ≥ 0. A negative number would pass
// loadOffsets but stall offset mode's gap check, waiting settle.ms for a
// number below the first row.
func offsetNumber(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, x >= 0
	case int:
		return int64(x), x >= 0
	case int32:
		return int64(x), x >= 0
	case float64:
		if x >= 0 && x < math.MaxInt64 && x == math.Trunc(x) {
			return int64(x), true
		}
	}
	return 0, false
}

// describe renders a decoded JSON value for a message, with its kind when
// the JSON text alone does not say what is wrong with it.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return common.JSONText(x) + " (a string)"
	case bool:
		return common.JSONText(x) + " (a boolean)"
	case float64:
		if x != math.Trunc(x) {
			return common.JSONText(x) + " (a fractional number)"
		}
		if x < 0 || x >= math.MaxInt64 {
			return common.JSONText(x) + " (out of range)"
		}
		return common.JSONText(x)
	case int64, int, int32, nil:
		return common.JSONText(x)
	}
	return fmt.Sprintf("%s (a %T)", common.JSONText(v), v)
}

// splitValues lists the configured split values for a message.
func splitValues(cfg *Config) string {
	q := make([]string, len(cfg.SplitValues))
	for i, v := range cfg.SplitValues {
		q[i] = common.JSONText(v)
	}
	return KeySplitValues + " " + strings.Join(q, ", ")
}

func quoteKeys(keys ...string) string {
	q := make([]string, len(keys))
	for i, k := range keys {
		q[i] = common.JSONText(k)
	}
	return strings.Join(q, " and ")
}
