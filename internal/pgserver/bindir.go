package pgserver

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// ErrNoInitdb means PostgreSQL's server binaries are not installed.
var ErrNoInitdb = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or under /usr/lib/postgresql/*/bin; " +
	"install them with scripts/ensure-postgres.sh (Debian package postgresql)")

// FindBinDir returns the directory holding initdb and pg_ctl: PATH first
// (resolving symlinks: Debian keeps them in /usr/lib/postgresql/N/bin),
// then the newest /usr/lib/postgresql/*/bin. It returns ErrNoInitdb when
// neither has them.
func FindBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	best, bestVer := "", -1
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			continue
		}
		v, err := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		if err != nil {
			v = 0
		}
		if v > bestVer {
			best, bestVer = d, v
		}
	}
	if best == "" {
		return "", ErrNoInitdb
	}
	return best, nil
}
