package herder

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// herderLock is the herder lock both herders share: one token in a
// channel (so waiting honours request contexts) and a record of what the
// holder is doing, for Kafka's "Request timed out. The worker is currently
// …" message. Status reads do not take it.
type herderLock struct {
	lock  chan struct{} // holds one token when free
	stage atomic.Pointer[stage]
}

// stage is what the herder thread is doing, for timeout messages.
type stage struct {
	what  string
	since time.Time
}

// init makes the lock usable and free; call it once, before use.
func (l *herderLock) init() {
	l.lock = make(chan struct{}, 1)
	l.lock <- struct{}{}
}

// acquire takes the herder lock, recording what the holder does; it
// returns a KindTimeout error when ctx ends first.
func (l *herderLock) acquire(ctx context.Context, what string) (func(), error) {
	select {
	case <-l.lock:
	default:
		select {
		case <-l.lock:
		case <-ctx.Done():
			return nil, l.timeoutError()
		}
	}
	l.stage.Store(&stage{what: what, since: time.Now()})
	return func() {
		l.stage.Store(nil)
		l.lock <- struct{}{}
	}, nil
}

// timeoutError is Kafka's "Request timed out." with the current stage.
func (l *herderLock) timeoutError() error {
	msg := "Request timed out. "
	if s := l.stage.Load(); s != nil {
		msg += fmt.Sprintf("The worker is currently %s, which began at %s", s.what, s.since.UTC().Format(time.RFC3339Nano))
	}
	return newErr(KindTimeout, "%s", msg)
}
