package winsvc

import (
	"fmt"
	"os"
	"path/filepath"
)

// openLog opens path for appending, creating its directory. When the file
// is larger than maxBytes, it is first renamed to path+".1". The caller
// closes the file.
func openLog(path string, maxBytes int64) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxBytes {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, fmt.Errorf("rotate log file: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log file: %w", err)
	}
	return f, nil
}
