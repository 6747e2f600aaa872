package queuesource

import (
	"fmt"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connect/connecttest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest"
	"github.com/onecconnect/onecconnect/connectors/onec/onectest/pgtest"
)

// TestNumericSplitWithFraction: split.field on a Число(10,2) resource,
// split.values written as a user would ("5", "2.5"), reads the rows
// holding 5.00 and 2.50 (the database renders the column with its scale),
// gives them the configured values' source partitions, and leaves the
// rows of other values alone — in both modes.
func TestNumericSplitWithFraction(t *testing.T) {
	const register = "РегистрСведений.ОчередьПриоритетов"
	cfg := &onectest.Configuration{Name: "Приоритеты", CompatibilityVersion: "8.3.23", Objects: []*onectest.Object{{
		Kind: onectest.InformationRegister, Name: "ОчередьПриоритетов",
		Dimensions: []onectest.Attribute{{Name: "НомерСообщения", Type: onectest.NonNegative(19, 0)}},
		Resources: []onectest.Attribute{
			{Name: "Приоритет", Type: onectest.Number(10, 2)},
			{Name: "Тело", Type: onectest.String(0)},
		}}}}
	for _, mode := range []string{ModeOffset, ModeDelete} {
		t.Run(mode, func(t *testing.T) {
			ctx, conn, built, dbURL := pgtest.Build(t, cfg, time.Minute)
			prios := []string{"5", "2.5", "3", "5.00", "2.50", "0.5"}
			var rows []onectest.Row
			for i, p := range prios {
				rows = append(rows, onectest.Row{"НомерСообщения": int64(i + 1), "Приоритет": onectest.Decimal(p), "Тело": fmt.Sprintf("body-%d", i+1)})
			}
			if err := built.InsertRecords(ctx, conn, register, rows); err != nil {
				t.Fatal(err)
			}
			props, err := onectest.ConnectorDBProps(dbURL)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range map[string]string{KeyRegister: register, KeyTopic: "prio", KeyMode: mode, KeySplitField: "Приоритет",
				KeySplitValues: "5,2.5", KeyValueField: "Тело", KeyPollInterval: "10", "metadata.refresh.interval.ms": "0"} {
				props[k] = v
			}
			task := &Task{}
			if err := task.Start(ctx, &connecttest.SourceContext{}, props); err != nil {
				t.Fatal(err)
			}
			defer task.Stop(ctx)
			recs := pollAll(t, task, 4)
			got := map[string]string{}
			for _, r := range recs {
				got[r.Value.(string)] = fmt.Sprint(r.SourcePartition[PartitionSplit])
			}
			want := map[string]string{"body-1": "5", "body-4": "5", "body-2": "2.5", "body-5": "2.5"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("records (value → split partition) %v, want %v", got, want)
			}
			if more, err := task.Poll(ctx); err != nil || len(more) != 0 {
				t.Fatalf("a further poll gave %d records (%v), want none: priorities 3 and 0.5 are not configured", len(more), err)
			}
			if mode == ModeDelete {
				ol, err := built.Object(register)
				if err != nil {
					t.Fatal(err)
				}
				deadline := time.Now().Add(10 * time.Second)
				for {
					var left int
					if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+ol.Table.PG()).Scan(&left); err != nil {
						t.Fatal(err)
					}
					if left == 2 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%d rows left, want the 2 of unconfigured priorities", left)
					}
					_, _ = task.Poll(ctx) // commits the acknowledged batches
				}
			}
		})
	}
}
