package testkit

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const crashHelperEnv = "ONEC_TESTKIT_CRASH_HELPER"

// TestPostgresCrashHelper is run in a child process by
// TestPostgresWatchdogAfterCrash: it starts the cluster, prints its
// directory and exits without running Main, like a crashed test binary.
func TestPostgresCrashHelper(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "1" {
		t.Skip("helper process for TestPostgresWatchdogAfterCrash")
	}
	PostgresAdminURL(t)
	fmt.Printf("PGDIR=%s\n", pgShared.cluster.dir)
	os.Exit(3)
}

func TestPostgresWatchdogAfterCrash(t *testing.T) {
	if _, ext := postgresTarget(os.Getenv); ext {
		t.Skip("uses the throwaway cluster; " + EnvPostgresURL + " is set")
	}
	if _, err := findPgBinDir(); err != nil {
		SkipOrFail(t, err.Error())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPostgresCrashHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashHelperEnv+"=1")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	var dir string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "PGDIR="); ok {
			dir = d
		}
	}
	if dir == "" {
		t.Fatalf("helper printed no PGDIR:\n%s", out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(dir); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("cluster directory %s still exists 30s after its process exited", dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestFindPgBinDir(t *testing.T) {
	dir, err := findPgBinDir()
	if err != nil {
		SkipOrFail(t, err.Error())
	}
	for _, bin := range []string{"initdb", "pg_ctl"} {
		if _, err := os.Stat(dir + "/" + bin); err != nil {
			t.Errorf("%s: %v", bin, err)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/tmp/a b": `'/tmp/a b'`,
		"it's":     `'it'\''s'`,
		"":         `''`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
