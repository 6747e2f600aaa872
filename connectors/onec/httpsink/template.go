package httpsink

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/onecconnect/onecconnect/connect"
)

// urlTemplate is a parsed url setting: literal parts and placeholders, the
// latter allowed only in the path and the query.
type urlTemplate struct {
	raw   string
	parts []tmplPart
	vars  []string
}

type tmplPart struct {
	lit     string
	name    string // placeholder: topic, partition, offset, key, header
	header  string // header name for ${header:Name}
	inQuery bool
}

// parseURLTemplate checks and splits a url template.
func parseURLTemplate(s string) (*urlTemplate, error) {
	s = strings.TrimSpace(s)
	t := &urlTemplate{raw: s}
	schemeEnd := strings.Index(s, "://")
	if schemeEnd <= 0 {
		return nil, errors.New("must be an absolute http:// or https:// address")
	}
	scheme := strings.ToLower(s[:schemeEnd])
	if scheme != "http" && scheme != "https" {
		return nil, fmt.Errorf("scheme %q is not http or https", scheme)
	}
	authEnd := len(s)
	if i := strings.IndexAny(s[schemeEnd+3:], "/?#"); i >= 0 {
		authEnd = schemeEnd + 3 + i
	}
	authority := s[schemeEnd+3 : authEnd]
	if strings.Contains(authority, "@") {
		return nil, fmt.Errorf("credentials in the address are not allowed: put the user in %s and the password in %s", KeyAuthUser, KeyAuthPassword)
	}
	if strings.Contains(authority, "${") {
		return nil, errors.New("placeholders are allowed in the path and query only, not in the host")
	}
	if strings.Contains(s, "#") {
		return nil, errors.New("a fragment (#...) is not allowed")
	}
	var sample strings.Builder
	rest, pos := s, 0
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			t.parts = append(t.parts, tmplPart{lit: rest})
			sample.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("unterminated placeholder at %q", rest[i:])
		}
		t.parts = append(t.parts, tmplPart{lit: rest[:i]})
		sample.WriteString(rest[:i])
		name := rest[i+2 : i+j]
		p := tmplPart{name: name, inQuery: strings.Contains(s[:pos+i], "?")}
		switch {
		case name == "topic" || name == "partition" || name == "offset" || name == "key":
		case strings.HasPrefix(name, "header:") && strings.TrimSpace(name[len("header:"):]) != "":
			p.name, p.header = "header", strings.TrimSpace(name[len("header:"):])
		default:
			return nil, fmt.Errorf("unknown placeholder ${%s} (known: ${topic}, ${partition}, ${offset}, ${key}, ${header:Name})", name)
		}
		t.parts = append(t.parts, p)
		t.vars = append(t.vars, name)
		sample.WriteString("x")
		pos += i + j + 1
		rest = rest[i+j+1:]
	}
	u, err := url.Parse(sample.String())
	if err != nil {
		return nil, fmt.Errorf("not a valid address: %v", redactErr(err))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("the address has no host")
	}
	return t, nil
}

// render builds the address for rec.
func (t *urlTemplate) render(rec *connect.SinkRecord) (string, error) {
	if len(t.vars) == 0 {
		return t.raw, nil
	}
	var b strings.Builder
	b.Grow(len(t.raw) + 32)
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		v, err := placeholderValue(rec, p)
		if err != nil {
			return "", err
		}
		if p.inQuery {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(url.PathEscape(v))
		}
	}
	return b.String(), nil
}

func placeholderValue(rec *connect.SinkRecord, p tmplPart) (string, error) {
	switch p.name {
	case "topic":
		return rec.Topic, nil
	case "partition":
		return strconv.FormatInt(int64(recordPartition(rec)), 10), nil
	case "offset":
		return strconv.FormatInt(rec.OriginalOffset, 10), nil
	case "key":
		if rec.Key == nil {
			return "", errors.New("the record has no key for ${key} in url")
		}
		s, ok := scalarText(rec.Key)
		if !ok {
			return "", fmt.Errorf("a key of type %T cannot go into url", rec.Key)
		}
		return s, nil
	case "header":
		h, ok := rec.Headers.Last(p.header)
		if !ok || h.Value == nil {
			return "", fmt.Errorf("the record has no header %q for url", p.header)
		}
		s, ok := scalarText(h.Value)
		if !ok {
			return "", fmt.Errorf("header %q of type %T cannot go into url", p.header, h.Value)
		}
		return s, nil
	}
	return "", fmt.Errorf("unknown placeholder %q", p.name)
}

func recordPartition(rec *connect.SinkRecord) int32 {
	if rec.Partition != nil {
		return *rec.Partition
	}
	return rec.OriginalPartition
}

// scalarText renders a key or header value as text: strings as they are,
// bytes as UTF-8 when valid (else base64), numbers and booleans in decimal
// form. Other types are refused.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		if isUTF8(x) {
			return string(x), true
		}
		return base64.StdEncoding.EncodeToString(x), true
	case bool:
		return strconv.FormatBool(x), true
	case int8:
		return strconv.FormatInt(int64(x), 10), true
	case int16:
		return strconv.FormatInt(int64(x), 10), true
	case int32:
		return strconv.FormatInt(int64(x), 10), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case int:
		return strconv.Itoa(x), true
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32), true
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), true
	case fmt.Stringer:
		return x.String(), true
	}
	return "", false
}

// redactURL removes user information from an address for messages.
func redactURL(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	end := len(s)
	if j := strings.IndexAny(s[i+3:], "/?#"); j >= 0 {
		end = i + 3 + j
	}
	if at := strings.LastIndex(s[i+3:end], "@"); at >= 0 {
		return s[:i+3] + "[hidden]@" + s[i+3+at+1:]
	}
	return s
}

// redactErr strips a *url.Error's address (which may hold credentials).
func redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redactURL(ue.URL), ue.Err)
	}
	return err
}
