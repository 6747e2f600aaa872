package uuid1c

import (
	"encoding/hex"
	"errors"
	"testing"
)

func TestKnownPairs(t *testing.T) {
	tests := []struct {
		name, dbHex, canonical string
	}{
		// 1c-layout.md §8.1, S7 row and its navigation link.
		{"S7 catalog row", "9412080027b9b2bd11f1b0fdff19dcc1", "ff19dcc1-b0fd-11f1-9412-080027b9b2bd"},
		// S3a: DB bytes 9d473c64cfca4840 11f0 2426 af738206 (raw order).
		{"S3a convert-uuid", "9d473c64cfca484011f02426af738206", "af738206-2426-11f0-9d47-3c64cfca4840"},
		{"nil", "00000000000000000000000000000000", "00000000-0000-0000-0000-000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := hex.DecodeString(tt.dbHex)
			if err != nil {
				t.Fatal(err)
			}
			got, err := UUIDFromBinary1C(db)
			if err != nil || got != tt.canonical {
				t.Fatalf("UUIDFromBinary1C = %q, %v; want %q", got, err, tt.canonical)
			}
			back, err := UUIDToBinary1C(tt.canonical)
			if err != nil || hex.EncodeToString(back) != tt.dbHex {
				t.Fatalf("UUIDToBinary1C = %x, %v; want %s", back, err, tt.dbHex)
			}
		})
	}
}

func TestUpperCaseAccepted(t *testing.T) {
	u, err := Parse("FF19DCC1-B0FD-11F1-9412-080027B9B2BD")
	if err != nil || u.String() != "ff19dcc1-b0fd-11f1-9412-080027b9b2bd" {
		t.Fatalf("got %v, %v", u, err)
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{"", "ff19dcc1b0fd11f19412080027b9b2bd", "ff19dcc1-b0fd-11f1-9412-080027b9b2bz", "ff19dcc1-b0fd-11f1-9412_080027b9b2bd"} {
		if _, err := UUIDToBinary1C(s); !errors.Is(err, ErrInvalid) {
			t.Errorf("UUIDToBinary1C(%q) err = %v, want ErrInvalid", s, err)
		}
	}
	if _, err := UUIDFromBinary1C(make([]byte, 15)); !errors.Is(err, ErrInvalid) {
		t.Errorf("15 bytes: err = %v", err)
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("0123456789abcdef"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := UUIDFromBinary1C(b)
		if err != nil {
			return
		}
		back, err := UUIDToBinary1C(s)
		if err != nil || string(back) != string(b) {
			t.Fatalf("round trip %x -> %s -> %x, %v", b, s, back, err)
		}
	})
}
