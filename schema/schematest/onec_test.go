package schematest

import "testing"

func TestOneCRecordIsValid(t *testing.T) {
	s := OneCSchema()
	if n := len(s.Fields()); n != 20 {
		t.Fatalf("fields = %d, want 20", n)
	}
	for seed := 0; seed < 3; seed++ {
		r := OneCRecord(s, seed)
		if err := r.Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		rows, _ := r.Get("Товары")
		if n := len(rows.([]any)); n != 10 {
			t.Fatalf("rows = %d", n)
		}
	}
	if OneCRecord(s, 1).Equal(OneCRecord(s, 2)) {
		t.Fatal("seeds give equal records")
	}
}
