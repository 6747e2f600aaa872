package config

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// maxProviderFile bounds what the file and directory providers read.
const maxProviderFile = 16 << 20

// EnvProvider resolves ${env:NAME} from environment variables (Kafka's
// EnvVarConfigProvider). The path must be empty. The zero value reads the
// process environment and allows every variable.
type EnvProvider struct {
	// Lookup replaces os.LookupEnv when set (tests, sandboxes).
	Lookup func(name string) (string, bool)
	// Allow, when set, limits the variables that may be read; others are
	// reported as not found (Kafka's allowlist.pattern).
	Allow *regexp.Regexp
}

// Get implements Provider.
func (p EnvProvider) Get(ctx context.Context, path string, keys []string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if path != "" {
		return nil, fmt.Errorf("env provider takes no path, got %q (write ${env:NAME})", path)
	}
	lookup := p.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if p.Allow != nil && !p.Allow.MatchString(k) {
			continue
		}
		if v, ok := lookup(k); ok {
			out[k] = v
		}
	}
	return out, nil
}

// FileProvider resolves ${file:/path/to/file.properties:key} from a Java
// .properties file (Kafka's FileConfigProvider). The file is read on every
// Get, so edits are seen at the next use.
type FileProvider struct {
	// AllowedPaths, when non-empty, lists the directories files may be read
	// from (Kafka's allowed.paths); other paths are refused.
	AllowedPaths []string
}

// Get implements Provider.
func (p FileProvider) Get(ctx context.Context, path string, keys []string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	clean, err := checkPath(path, p.AllowedPaths)
	if err != nil {
		return nil, err
	}
	data, err := readLimited(clean)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if err != nil {
		return nil, err
	}
	props, err := ParseProperties(strings.NewReader(string(data)))
	if err != nil {
		return nil, fmt.Errorf("file provider: %s: %w", clean, err)
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if v, ok := props[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

// DirectoryProvider resolves ${directory:/run/secrets:name} to the whole
// content of the file name in the directory (Kafka's
// DirectoryConfigProvider; the Docker and Kubernetes secrets layout).
type DirectoryProvider struct {
	// AllowedPaths, when non-empty, lists the directories that may be read.
	AllowedPaths []string
}

// Get implements Provider.
func (p DirectoryProvider) Get(ctx context.Context, path string, keys []string) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := checkPath(path, p.AllowedPaths)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(keys))
	for _, k := range keys {
		if k == "" || k == "." || k == ".." || strings.ContainsAny(k, `/\`) {
			continue // not a plain file name: treated as not found
		}
		data, err := readLimited(filepath.Join(dir, k))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[k] = string(data)
	}
	return out, nil
}

func checkPath(path string, allowed []string) (string, error) {
	if path == "" {
		return "", errors.New("a path is required, e.g. ${file:/etc/connect/secrets.properties:key}")
	}
	clean := filepath.Clean(path)
	if len(allowed) == 0 {
		return clean, nil
	}
	abs, err := filepath.Abs(clean)
	if err != nil {
		return "", fmt.Errorf("path %s: %w", path, err)
	}
	for _, a := range allowed {
		base, err := filepath.Abs(filepath.Clean(a))
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(base, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return abs, nil
		}
	}
	return "", fmt.Errorf("path %s is not under the allowed paths", path)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxProviderFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxProviderFile {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxProviderFile)
	}
	return data, nil
}
