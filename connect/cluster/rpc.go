package cluster

import (
	"context"
	"errors"
	"time"

	"github.com/IBM/sarama"
)

// coordConn is one connection to the group coordinator, owned by one
// goroutine. Join/Sync run on one, heartbeats on another, LeaveGroup on a
// short-lived third: JoinGroup blocks its connection for up to the
// rebalance timeout, and sarama serialises requests on a connection.
type coordConn struct {
	cfg  *sarama.Config
	addr string
	b    *sarama.Broker
}

// broker returns an open broker for addr, replacing a connection to another
// address.
func (c *coordConn) broker(addr string) (*sarama.Broker, error) {
	if c.b != nil && c.addr == addr {
		return c.b, nil
	}
	c.close()
	b := sarama.NewBroker(addr)
	if err := b.Open(c.cfg); err != nil && !errors.Is(err, sarama.ErrAlreadyConnected) {
		return nil, err
	}
	c.b, c.addr = b, addr
	return b, nil
}

// close drops the connection. It closes in the background because sarama's
// Close waits for a request still in flight on the connection (at most the
// configured read timeout).
func (c *coordConn) close() {
	if c.b == nil {
		return
	}
	b := c.b
	c.b, c.addr = nil, ""
	go func() { _ = b.Close() }()
}

// call runs a blocking sarama request so that the caller can give up when
// ctx ends; the request itself finishes in the background within the
// connection's read timeout, and the caller must then drop the connection.
func call[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// Request builders, versions chosen like sarama's own consumer group.

func joinRequest(v sarama.KafkaVersion, group, memberID string, session, rebalance time.Duration, reason string) *sarama.JoinGroupRequest {
	req := sarama.NewJoinGroupRequest(v)
	req.GroupId = group
	req.MemberId = memberID
	req.SessionTimeout = int32(session / time.Millisecond)
	req.RebalanceTimeout = int32(rebalance / time.Millisecond)
	req.ProtocolType = ProtocolType
	if req.Version >= 8 && reason != "" {
		req.Reason = &reason
	}
	return req
}

func syncRequest(v sarama.KafkaVersion, group, memberID string, generation int32, protocol Protocol) *sarama.SyncGroupRequest {
	req := &sarama.SyncGroupRequest{GroupId: group, MemberId: memberID, GenerationId: generation}
	switch {
	case v.IsAtLeast(sarama.V2_5_0_0):
		req.Version = 5
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V2_3_0_0):
		req.Version = 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		req.Version = 1
	}
	if req.Version >= 5 {
		pt, pn := ProtocolType, string(protocol)
		req.ProtocolType, req.ProtocolName = &pt, &pn
	}
	return req
}

func heartbeatRequest(v sarama.KafkaVersion, group, memberID string, generation int32) *sarama.HeartbeatRequest {
	req := &sarama.HeartbeatRequest{GroupId: group, MemberId: memberID, GenerationId: generation}
	switch {
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V2_3_0_0):
		req.Version = 3
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		req.Version = 1
	}
	return req
}

func leaveRequest(v sarama.KafkaVersion, group, memberID, reason string) *sarama.LeaveGroupRequest {
	req := &sarama.LeaveGroupRequest{GroupId: group, MemberId: memberID}
	switch {
	case v.IsAtLeast(sarama.V3_2_0_0):
		req.Version = 5
	case v.IsAtLeast(sarama.V2_4_0_0):
		req.Version = 4
	case v.IsAtLeast(sarama.V2_0_0_0):
		req.Version = 2
	case v.IsAtLeast(sarama.V0_11_0_0):
		req.Version = 1
	}
	if req.Version >= 3 {
		m := sarama.MemberIdentity{MemberId: memberID}
		if req.Version >= 5 && reason != "" {
			m.Reason = &reason
		}
		req.Members = []sarama.MemberIdentity{m}
	}
	return req
}

// groupErrorKind classifies coordinator error codes.
type groupErrorKind int

const (
	errRetry       groupErrorKind = iota // back off and rejoin
	errRejoin                            // rejoin at once
	errResetMember                       // forget member id and generation, rejoin
	errCoordinator                       // find the coordinator again
	errFatal                             // give up
)

func classify(k sarama.KError) groupErrorKind {
	switch k {
	case sarama.ErrRebalanceInProgress:
		return errRejoin
	case sarama.ErrUnknownMemberId, sarama.ErrIllegalGeneration, sarama.ErrFencedInstancedId:
		return errResetMember
	case sarama.ErrNotCoordinatorForConsumer, sarama.ErrConsumerCoordinatorNotAvailable:
		return errCoordinator
	case sarama.ErrInconsistentGroupProtocol, sarama.ErrInvalidSessionTimeout, sarama.ErrGroupAuthorizationFailed,
		sarama.ErrGroupMaxSizeReached, sarama.ErrInvalidGroupId, sarama.ErrUnsupportedVersion:
		return errFatal
	}
	return errRetry
}
