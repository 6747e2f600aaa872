package common

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

func TestCheckTopicTemplate(t *testing.T) {
	for tmpl, want := range map[string]string{
		"${prefix}.${kind}.${name}": "",
		"fixed":                     "",
		"${prefix}.${oops}":         "unknown placeholder ${oops}",
		"${prefix":                  "unclosed placeholder",
	} {
		err := CheckTopicTemplate(tmpl)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: err = %v, want %q", tmpl, err, want)
		}
	}
}

func TestTopicName(t *testing.T) {
	o := &metadata.Object{Kind: metadata.KindCatalog, Name: "Номенклатура"}
	if got := TopicName("", "${prefix}.${kind}.${name}", "onec", o); got != "onec.Catalog.Nomenklatura" {
		t.Errorf("template: %q", got)
	}
	if got := TopicName("one", "${name}", "x", o); got != "one" {
		t.Errorf("topic wins: %q", got)
	}
}

func TestSleepReturnsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := Sleep(ctx, time.Minute); err != nil || time.Since(start) > 5*time.Second {
		t.Fatalf("Sleep on a cancelled context: %v after %v", err, time.Since(start))
	}
}
