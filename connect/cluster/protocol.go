package cluster

import (
	"fmt"
	"strings"
)

// ProtocolType is the JoinGroup protocol type of Kafka Connect groups.
const ProtocolType = "connect"

// Protocol is a Connect subprotocol by its wire name, as offered in
// JoinGroup and chosen by the coordinator (§3.1).
type Protocol string

// The Connect subprotocols. Their wire names differ from the values of the
// worker's connect.protocol setting: eager is "default".
const (
	// ProtocolEager is Kafka Connect's original protocol: every rebalance
	// stops everything and hands out complete assignments (version 0).
	ProtocolEager Protocol = "default"
	// ProtocolCompatible is incremental cooperative rebalancing (KIP-415,
	// version 1).
	ProtocolCompatible Protocol = "compatible"
	// ProtocolSessioned is ProtocolCompatible plus signed internal requests
	// (KIP-507, version 2). It is the default.
	ProtocolSessioned Protocol = "sessioned"
)

// Version returns the version header the protocol's metadata and assignment
// blobs carry: 0 for eager, 1 for compatible, 2 for sessioned, -1 if the
// name is unknown.
func (p Protocol) Version() int16 {
	switch p {
	case ProtocolEager:
		return 0
	case ProtocolCompatible:
		return 1
	case ProtocolSessioned:
		return 2
	}
	return -1
}

// Incremental reports whether the protocol rebalances incrementally
// (compatible and sessioned).
func (p Protocol) Incremental() bool { return p == ProtocolCompatible || p == ProtocolSessioned }

// Offered returns the protocols a worker configured with p offers in
// JoinGroup, most preferred first: sessioned offers sessioned, compatible
// and default; compatible offers compatible and default; eager offers
// default only.
func (p Protocol) Offered() []Protocol {
	switch p {
	case ProtocolSessioned:
		return []Protocol{ProtocolSessioned, ProtocolCompatible, ProtocolEager}
	case ProtocolCompatible:
		return []Protocol{ProtocolCompatible, ProtocolEager}
	case ProtocolEager:
		return []Protocol{ProtocolEager}
	}
	return nil
}

// ParseConnectProtocol parses a value of the worker setting
// connect.protocol ("eager", "compatible" or "sessioned", any case) into the
// most preferred [Protocol].
func ParseConnectProtocol(s string) (Protocol, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "eager":
		return ProtocolEager, nil
	case "compatible":
		return ProtocolCompatible, nil
	case "sessioned":
		return ProtocolSessioned, nil
	}
	return "", fmt.Errorf("%w: connect.protocol %q: want eager, compatible or sessioned", ErrConfig, s)
}

// protocolByName maps a coordinator-selected wire name back to a Protocol.
func protocolByName(name string) (Protocol, bool) {
	p := Protocol(name)
	return p, p.Version() >= 0
}
