package main

import (
	"slices"
	"testing"
)

func TestBrokerPorts(t *testing.T) {
	tests := []struct {
		listen  string
		n       int
		want    []int
		wantErr bool
	}{
		{"127.0.0.1:9092", 1, []int{9092}, false},
		{"127.0.0.1:9092", 3, []int{9092, 9093, 9094}, false},
		{"localhost:0", 2, []int{0, 0}, false},
		{":19092", 1, []int{19092}, false},
		{"0.0.0.0:9092", 1, nil, true},
		{"127.0.0.1:x", 1, nil, true},
		{"127.0.0.1", 1, nil, true},
		{"127.0.0.1:65535", 2, nil, true},
		{"127.0.0.1:9092", 0, nil, true},
	}
	for _, tt := range tests {
		got, err := brokerPorts(tt.listen, tt.n)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("brokerPorts(%q, %d) = %v, %v; want %v, err %v", tt.listen, tt.n, got, err, tt.want, tt.wantErr)
		}
	}
}
