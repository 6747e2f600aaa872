package docker

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v2"

	"github.com/onecconnect/onecconnect/config"
	"github.com/onecconnect/onecconnect/connect/runtime"
)

const composeFile = "docker-compose.yml"

// composeService is the part of a compose service the tests look at.
type composeService struct {
	Image       string            `yaml:"image"`
	Hostname    string            `yaml:"hostname"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	Build       *struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	DependsOn map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
}

func loadCompose(t *testing.T) map[string]composeService {
	t.Helper()
	b, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.UnmarshalStrict(b, &struct {
		Name     string                    `yaml:"name"`
		Services map[string]map[string]any `yaml:"services"`
		Volumes  map[string]any            `yaml:"volumes"`
	}{}); err != nil {
		t.Fatalf("%s: unexpected top-level keys: %v", composeFile, err)
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", composeFile, err)
	}
	return doc.Services
}

func TestComposeTopology(t *testing.T) {
	svcs := loadCompose(t)
	for _, name := range []string{"kafka", "schema-registry", "postgres", "worker-1", "worker-2"} {
		if _, ok := svcs[name]; !ok {
			t.Errorf("service %s missing", name)
		}
	}
	kafka := svcs["kafka"]
	if !strings.HasPrefix(kafka.Image, "apache/kafka:") {
		t.Errorf("kafka image %q: want the official apache/kafka image", kafka.Image)
	}
	if roles := kafka.Environment["KAFKA_PROCESS_ROLES"]; roles != "broker,controller" {
		t.Errorf("KAFKA_PROCESS_ROLES %q: want a combined KRaft node", roles)
	}
	for name := range svcs {
		if strings.Contains(name, "zookeeper") {
			t.Errorf("service %s: KRaft needs no ZooKeeper", name)
		}
	}
	if !strings.Contains(kafka.Environment["KAFKA_ADVERTISED_LISTENERS"], "PLAINTEXT://kafka:9092") {
		t.Errorf("kafka does not advertise PLAINTEXT://kafka:9092 to the compose network: %q", kafka.Environment["KAFKA_ADVERTISED_LISTENERS"])
	}

	advertised := map[string]bool{}
	for _, name := range []string{"worker-1", "worker-2"} {
		w := svcs[name]
		if strings.Join(w.Command, " ") != "distributed /etc/onec-connect/worker.properties" {
			t.Errorf("%s command %q", name, w.Command)
		}
		host := w.Environment["ONEC_REST_ADVERTISED_HOST_NAME"]
		if host != w.Hostname || host == "" {
			t.Errorf("%s advertises %q but its host name is %q", name, host, w.Hostname)
		}
		if advertised[host] {
			t.Errorf("%s advertises %q like another worker", name, host)
		}
		advertised[host] = true
		if w.Build == nil || w.Build.Dockerfile != "docker/Dockerfile" || w.Build.Context != ".." {
			t.Errorf("%s build %+v: want context .. and docker/Dockerfile", name, w.Build)
		}
		if len(w.Volumes) != 1 || !strings.HasPrefix(w.Volumes[0], "./config:/etc/onec-connect") {
			t.Errorf("%s volumes %q: want ./config mounted at /etc/onec-connect", name, w.Volumes)
		}
		for _, dep := range []string{"kafka", "schema-registry", "postgres"} {
			if w.DependsOn[dep].Condition != "service_healthy" {
				t.Errorf("%s does not wait for %s to be healthy", name, dep)
			}
		}
	}
	published := map[string]string{}
	for name, s := range svcs {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %q beyond loopback", name, p)
			}
			hostPort := strings.Split(p, ":")[1]
			if other, dup := published[hostPort]; dup {
				t.Errorf("host port %s published by %s and %s", hostPort, other, name)
			}
			published[hostPort] = name
		}
	}
}

func TestWorkerConfigParses(t *testing.T) {
	svcs := loadCompose(t)
	b, err := os.ReadFile(filepath.Join("config", "worker.properties"))
	if err != nil {
		t.Fatal(err)
	}
	props, err := config.ParseProperties(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"worker-1", "worker-2"} {
		t.Run(name, func(t *testing.T) {
			for k, v := range svcs[name].Environment {
				t.Setenv(k, v)
			}
			wc, err := runtime.ParseWorkerConfigWith(context.Background(), config.DefaultResolver(), props)
			if err != nil {
				t.Fatalf("config/worker.properties: %v", err)
			}
			if wc.GroupID == "" {
				t.Error("group.id missing: the workers would not form one cluster")
			}
			if got := wc.Values.String("rest.advertised.host.name"); got != name {
				t.Errorf("rest.advertised.host.name resolves to %q, want %q", got, name)
			}
			if strings.Join(wc.BootstrapServers, ",") != "kafka:9092" {
				t.Errorf("bootstrap.servers %q", wc.BootstrapServers)
			}
			for _, k := range []string{"config.storage.replication.factor", "offset.storage.replication.factor", "status.storage.replication.factor"} {
				if got := wc.Values.Int(k); got != 1 {
					t.Errorf("%s = %d: one broker needs 1", k, got)
				}
			}
			for _, k := range []string{"config.storage.topic", "offset.storage.topic", "status.storage.topic"} {
				if wc.Values.String(k) == "" {
					t.Errorf("%s missing", k)
				}
			}
			for _, k := range []string{"key.converter.schema.registry.url", "value.converter.schema.registry.url"} {
				u, err := url.Parse(props[k])
				if err != nil || u.Hostname() != svcs["schema-registry"].Hostname {
					t.Errorf("%s = %q: want the schema-registry service", k, props[k])
				}
			}
		})
	}
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, re := range []string{
		`(?m)^FROM .*golang:.* AS build$`,
		`CGO_ENABLED=0`,
		`-trimpath`,
		`-ldflags="-s -w`,
		`(?m)^USER [1-9][0-9]*(:[1-9][0-9]*)?$`,
		`(?m)^HEALTHCHECK .*\n?.*http://127\.0\.0\.1:\$\{REST_PORT\}/health`,
		`(?m)^ENTRYPOINT \["/usr/local/bin/worker"\]$`,
	} {
		if !regexp.MustCompile(re).MatchString(df) {
			t.Errorf("Dockerfile does not match %s", re)
		}
	}
	if regexp.MustCompile(`(?m)^USER (root|0)\b`).MatchString(df) {
		t.Error("Dockerfile runs as root")
	}
}

// TestComposeConfig runs `docker compose config -q` (which validates the
// file against the compose specification) when the docker CLI has the
// compose plugin; it needs no docker engine.
func TestComposeConfig(t *testing.T) {
	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("docker CLI not installed; the compose file is checked structurally by TestComposeTopology")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, docker, "compose", "version").CombinedOutput(); err != nil {
		t.Skipf("docker compose plugin not available (%s); the compose file is checked structurally by TestComposeTopology",
			strings.TrimSpace(firstLine(string(out))))
	}
	cmd := exec.CommandContext(ctx, docker, "compose", "-f", composeFile, "config", "-q")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker compose config: %v\n%s", err, out)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
