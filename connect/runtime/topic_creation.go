package runtime

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/IBM/sarama"
	"github.com/onecconnect/onecconnect/connect"
)

// topicGroup is one topic.creation group (KIP-158).
type topicGroup struct {
	name        string
	include     []*regexp.Regexp
	exclude     []*regexp.Regexp
	partitions  int32
	replication int16
	configs     map[string]*string
}

// topicCreator creates missing topics for a source task from the
// connector's topic.creation.* settings. Used from the task goroutine only.
type topicCreator struct {
	admin  sarama.ClusterAdmin
	groups []topicGroup // custom groups in order, then default
}

// usesTopicCreation reports whether props has any topic.creation.* key
// (SourceConnectorConfig.usesTopicCreation).
func usesTopicCreation(props map[string]string) bool {
	for k := range props {
		if strings.HasPrefix(k, connect.KeyTopicCreationPrefix) {
			return true
		}
	}
	return false
}

// parseTopicGroups reads the groups; default needs replication.factor and
// partitions.
func parseTopicGroups(props map[string]string) ([]topicGroup, error) {
	get := func(group, key string) (string, bool) {
		v, ok := props[connect.KeyTopicCreationPrefix+group+"."+key]
		return strings.TrimSpace(v), ok
	}
	parse := func(name string, def *topicGroup) (topicGroup, error) {
		g := topicGroup{name: name, configs: map[string]*string{}}
		if def != nil {
			g.partitions, g.replication = def.partitions, def.replication
			for k, v := range def.configs {
				g.configs[k] = v
			}
		}
		if v, ok := get(name, "partitions"); ok {
			n, err := strconv.Atoi(v)
			if err != nil || (n < 1 && n != -1) {
				return g, fmt.Errorf("topic.creation.%s.partitions %q: a positive integer or -1", name, v)
			}
			g.partitions = int32(n)
		} else if def == nil {
			return g, fmt.Errorf("topic.creation.default.partitions is required when topic.creation.* is used")
		}
		if v, ok := get(name, "replication.factor"); ok {
			n, err := strconv.Atoi(v)
			if err != nil || (n < 1 && n != -1) || n > 32767 {
				return g, fmt.Errorf("topic.creation.%s.replication.factor %q: a positive integer or -1", name, v)
			}
			g.replication = int16(n)
		} else if def == nil {
			return g, fmt.Errorf("topic.creation.default.replication.factor is required when topic.creation.* is used")
		}
		for _, which := range []string{"include", "exclude"} {
			v, ok := get(name, which)
			if !ok || v == "" {
				continue
			}
			for _, pat := range splitList(v) {
				re, err := regexp.Compile("^(?:" + pat + ")$")
				if err != nil {
					return g, fmt.Errorf("topic.creation.%s.%s %q: %w", name, which, pat, err)
				}
				if which == "include" {
					g.include = append(g.include, re)
				} else {
					g.exclude = append(g.exclude, re)
				}
			}
		}
		prefix := connect.KeyTopicCreationPrefix + name + "."
		for k, v := range props {
			if !strings.HasPrefix(k, prefix) {
				continue
			}
			sub := strings.TrimPrefix(k, prefix)
			switch sub {
			case "partitions", "replication.factor", "include", "exclude":
				continue
			}
			val := v
			g.configs[sub] = &val
		}
		return g, nil
	}
	def, err := parse("default", nil)
	if err != nil {
		return nil, err
	}
	var groups []topicGroup
	seen := map[string]bool{}
	for _, name := range splitList(props[connect.KeyTopicCreationGroups]) {
		if name == "default" || seen[name] {
			continue
		}
		seen[name] = true
		g, err := parse(name, &def)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	return append(groups, def), nil
}

func newTopicCreator(t *workerTask, brokers []string, connProps map[string]string) (*topicCreator, error) {
	if !usesTopicCreation(connProps) {
		return nil, nil
	}
	groups, err := parseTopicGroups(connProps)
	if err != nil {
		return nil, err
	}
	cc, err := NewClientConfig(t.w.cfg, AdminClient, connProps, "connector-adminclient-"+t.id.String())
	if err != nil {
		return nil, err
	}
	admin, err := sarama.NewClusterAdmin(cc.Brokers, cc.Sarama)
	if err != nil {
		return nil, fmt.Errorf("create admin client for topic creation: %w", err)
	}
	return &topicCreator{admin: admin, groups: groups}, nil
}

// group picks the first custom group that includes and does not exclude
// topic, else default.
func (c *topicCreator) group(topic string) *topicGroup {
	for i := range c.groups[:len(c.groups)-1] {
		g := &c.groups[i]
		if matchAny(g.include, topic) && !matchAny(g.exclude, topic) {
			return g
		}
	}
	return &c.groups[len(c.groups)-1]
}

func matchAny(res []*regexp.Regexp, s string) bool {
	for _, re := range res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// ensure creates topic when it does not exist.
func (c *topicCreator) ensure(ctx context.Context, topic string) error {
	if c == nil {
		return nil
	}
	meta, err := c.admin.DescribeTopics([]string{topic})
	if err == nil && len(meta) == 1 && meta[0].Err == sarama.ErrNoError {
		return nil
	}
	g := c.group(topic)
	if g.name == "default" && len(g.exclude) > 0 && matchAny(g.exclude, topic) {
		return nil
	}
	detail := &sarama.TopicDetail{NumPartitions: g.partitions, ReplicationFactor: g.replication, ConfigEntries: g.configs}
	err = c.admin.CreateTopic(topic, detail, false)
	if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
		var te *sarama.TopicError
		if !(errors.As(err, &te) && te.Err == sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s (group %s): %w", topic, g.name, err)
		}
	}
	return nil
}

func (c *topicCreator) close() {
	if c != nil && c.admin != nil {
		c.admin.Close()
	}
}
