// Package commontest holds test helpers shared by the 1C connectors' tests.
package commontest

import (
	"errors"
	"strings"
	"testing"

	"github.com/onecconnect/onecconnect/connectors/onec/common"
)

// CheckOffsetsAnswer checks what a connector's AlterExternalOffsets
// answered. managed must be false: the framework stores the offsets. With
// want empty the offsets must have been accepted; otherwise err must be a
// *common.OffsetsError (saying the offsets are unchanged) with problems
// problems, any number when problems is 0, and contain every text of
// want.
func CheckOffsetsAnswer(t testing.TB, managed bool, err error, problems int, want []string) {
	t.Helper()
	if managed {
		t.Error("managed = true, want false (the framework stores the offsets)")
	}
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	var oe *common.OffsetsError
	if !errors.As(err, &oe) || !errors.Is(err, common.ErrOffsetsRefused) {
		t.Fatalf("error %v, want a *common.OffsetsError", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "offsets unchanged") {
		t.Errorf("error %q does not say the offsets are unchanged", msg)
	}
	if problems > 0 && len(oe.Problems) != problems {
		t.Errorf("%d problems, want %d: %q", len(oe.Problems), problems, msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q\n does not contain %q", msg, w)
		}
	}
}
