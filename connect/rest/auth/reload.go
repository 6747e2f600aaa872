package auth

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// maxFileSize bounds credentials, CA and certificate files.
const maxFileSize = 4 << 20

// reloading holds the parsed contents of a set of files and parses them
// again when any file's modification time or size changes, checking at
// most once per ReloadInterval. A failed reload keeps the last good value.
type reloading[T any] struct {
	paths  []string
	parse  func(contents [][]byte) (T, error)
	opts   Options
	what   string // for log lines: "users file", "certificate"
	mu     sync.Mutex
	value  T
	stamps []fileStamp
	next   time.Time
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// newReloading loads the files once; an error there is the caller's.
func newReloading[T any](what string, paths []string, opts Options, parse func([][]byte) (T, error)) (*reloading[T], error) {
	r := &reloading[T]{paths: paths, parse: parse, opts: opts, what: what}
	stamps, contents, err := r.read()
	if err != nil {
		return nil, err
	}
	v, err := parse(contents)
	if err != nil {
		return nil, err
	}
	r.value, r.stamps, r.next = v, stamps, time.Now().Add(ReloadInterval)
	return r, nil
}

func (r *reloading[T]) read() ([]fileStamp, [][]byte, error) {
	stamps := make([]fileStamp, len(r.paths))
	contents := make([][]byte, len(r.paths))
	for i, p := range r.paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", r.what, err)
		}
		if fi.Size() > maxFileSize {
			return nil, nil, fmt.Errorf("%s %s: larger than %d bytes", r.what, p, maxFileSize)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", r.what, err)
		}
		stamps[i] = fileStamp{mod: fi.ModTime(), size: fi.Size()}
		contents[i] = b
	}
	return stamps, contents, nil
}

// changed reports whether any file's stamp differs from the loaded one.
func (r *reloading[T]) changed() bool {
	for i, p := range r.paths {
		fi, err := os.Stat(p)
		if err != nil {
			return true // reported by the reload
		}
		if !fi.ModTime().Equal(r.stamps[i].mod) || fi.Size() != r.stamps[i].size {
			return true
		}
	}
	return false
}

// get returns the current value, reloading first when a file changed.
func (r *reloading[T]) get() T {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if now.Before(r.next) {
		return r.value
	}
	r.next = now.Add(ReloadInterval)
	if !r.changed() {
		return r.value
	}
	stamps, contents, err := r.read()
	if err == nil {
		var v T
		if v, err = r.parse(contents); err == nil {
			r.value, r.stamps = v, stamps
			r.opts.logger().Info("reloaded "+r.what, "files", r.paths)
			return r.value
		}
	}
	if stamps != nil {
		r.stamps = stamps // report a broken file once per change, not per request
	}
	r.opts.logger().Error("reload "+r.what+" failed; keeping the previous contents", "files", r.paths, "err", err)
	return r.value
}
