package winsvc

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	const cyr = `C:\ProgramData\Обмен 1С\worker.properties`
	tests := []struct {
		name    string
		args    []string
		want    *options // compared field by field when set
		wantErr string
	}{
		{name: "install defaults", args: []string{"install", "--config", cyr},
			want: &options{action: "install", name: DefaultName, config: cyr, mode: "distributed", startType: "delayed",
				description: "onec-connect: Kafka Connect-compatible connectors between 1C:Enterprise and Apache Kafka",
				stopTimeout: DefaultStopTimeout, wait: defaultWait, connectors: []string{}}},
		{name: "install standalone with connectors", args: []string{"install", "--name", "1c-обмен", "--display-name", "Обмен с 1С",
			"--config", `worker.properties`, "--mode", "standalone", "--log-file", `D:\logs\w.log`, "--start", "manual", "--stop-timeout", "45s",
			`C:\conf\Заказы.properties`, `C:\conf\b.json`},
			want: &options{action: "install", name: "1c-обмен", displayName: "Обмен с 1С", config: "worker.properties", mode: "standalone",
				logFile: `D:\logs\w.log`, startType: "manual", stopTimeout: 45 * time.Second, wait: defaultWait,
				description: "onec-connect: Kafka Connect-compatible connectors between 1C:Enterprise and Apache Kafka",
				connectors:  []string{`C:\conf\Заказы.properties`, `C:\conf\b.json`}}},
		{name: "run as install wrote it", args: []string{"run", "--name", "x", "--config", cyr, "--mode", "distributed", "--log-file", `\\srv\logs\x.log`, "--stop-timeout", "30s"},
			want: &options{action: "run", name: "x", config: cyr, mode: "distributed", logFile: `\\srv\logs\x.log`, startType: "delayed",
				stopTimeout: 30 * time.Second, wait: defaultWait, connectors: []string{}}},
		{name: "stop with timeout", args: []string{"stop", "--name", "x", "--timeout", "5s"},
			want: &options{action: "stop", name: "x", mode: "distributed", startType: "delayed", stopTimeout: DefaultStopTimeout, wait: 5 * time.Second}},
		{name: "no action", args: nil, wantErr: "missing action"},
		{name: "unknown action", args: []string{"restart"}, wantErr: `unknown action "restart"`},
		{name: "install without config", args: []string{"install"}, wantErr: "--config WORKER.properties is required"},
		{name: "bad mode", args: []string{"install", "--config", cyr, "--mode", "dev"}, wantErr: `--mode "dev"`},
		{name: "connectors in distributed mode", args: []string{"install", "--config", cyr, `C:\c.properties`}, wantErr: "only standalone mode takes connector files"},
		{name: "bad start", args: []string{"install", "--config", cyr, "--start", "boot"}, wantErr: `--start "boot"`},
		{name: "zero stop timeout", args: []string{"install", "--config", cyr, "--stop-timeout", "0s"}, wantErr: "--stop-timeout 0s"},
		{name: "run with relative config", args: []string{"run", "--config", `conf\worker.properties`}, wantErr: "not an absolute Windows path"},
		{name: "run with relative log", args: []string{"run", "--config", cyr, "--log-file", "w.log"}, wantErr: `"w.log" is not an absolute`},
		{name: "flag of another action", args: []string{"start", "--config", cyr}, wantErr: "flag provided but not defined: -config"},
		{name: "extra args to stop", args: []string{"stop", "now"}, wantErr: "unexpected arguments"},
		{name: "empty name", args: []string{"stop", "--name", " "}, wantErr: "empty service name"},
		{name: "slash in name", args: []string{"stop", "--name", `a\b`}, wantErr: "must not contain"},
		{name: "long name", args: []string{"stop", "--name", strings.Repeat("я", 257)}, wantErr: "longer than 256"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parseOptions(tc.args, io.Discard)
			if tc.wantErr != "" {
				var ue *usageError
				if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a usage error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseOptions: %v", err)
			}
			if !reflect.DeepEqual(o, tc.want) {
				t.Errorf("got  %+v\nwant %+v", o, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var b strings.Builder
	if _, err := parseOptions([]string{"install", "--help"}, &b); !errors.Is(err, errHelp) {
		t.Fatalf("err = %v, want errHelp", err)
	}
	for _, want := range []string{"usage: worker service install", "-config", "-stop-timeout", "-start"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, b.String())
		}
	}
}

func TestServiceCommandLine(t *testing.T) {
	o, err := parseOptions([]string{"install", "--name", "обмен", "--config", `C:\Обмен 1С\worker.properties`, "--mode", "standalone",
		"--log-file", `C:\Обмен 1С\logs\обмен.log`, "--stop-timeout", "1m", `C:\Обмен 1С\Заказы.properties`}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	args := runArgs(o)
	want := []string{"service", "run", "--name", "обмен", "--config", `C:\Обмен 1С\worker.properties`, "--mode", "standalone",
		"--log-file", `C:\Обмен 1С\logs\обмен.log`, "--stop-timeout", "1m0s", `C:\Обмен 1С\Заказы.properties`}
	if !reflect.DeepEqual(args, want) {
		t.Fatalf("runArgs:\n got %q\nwant %q", args, want)
	}
	// What the SCM starts must parse back into the same settings.
	back, err := parseOptions(args[1:], io.Discard)
	if err != nil {
		t.Fatalf("the service command line does not parse: %v", err)
	}
	if !reflect.DeepEqual(workerArgs(back), []string{"standalone", `C:\Обмен 1С\worker.properties`, `C:\Обмен 1С\Заказы.properties`}) ||
		back.name != o.name || back.logFile != o.logFile || back.stopTimeout != o.stopTimeout {
		t.Errorf("round trip changed the settings: %+v", back)
	}
	if got := displayName(o); got != "onec-connect (обмен)" {
		t.Errorf("displayName = %q", got)
	}
}

func TestWindowsPaths(t *testing.T) {
	for p, abs := range map[string]bool{
		`C:\ProgramData\Обмен\w.properties`: true, `c:/x`: true, `\\server\share\w.properties`: true, `//server/share`: true,
		`C:relative`: false, `w.properties`: false, `\rooted-no-drive`: false, `\\`: false, `1:\x`: false, ``: false,
	} {
		if got := isAbsWindowsPath(p); got != abs {
			t.Errorf("isAbsWindowsPath(%q) = %v, want %v", p, got, abs)
		}
	}
	if got := defaultLogFile(`C:\ProgramData\`, "обмен"); got != `C:\ProgramData\onec-connect\обмен.log` {
		t.Errorf("defaultLogFile = %q", got)
	}
	if got := defaultLogFile("", "x"); got != `C:\ProgramData\onec-connect\x.log` {
		t.Errorf("defaultLogFile without ProgramData = %q", got)
	}
}
