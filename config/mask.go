package config

import (
	"regexp"
	"strings"
)

// secretName matches key names that hold secrets in Kafka client, Connect
// and common connector configs: ssl.key.password, sasl.jaas.config,
// basic.auth.user.info, auth.token, aws.secret.access.key, and the like.
var secretName = regexp.MustCompile(`(?i)(password|passwd|secret|token|jaas\.config|credential|user\.info|private\.key|api\.key|access\.key)`)

// LooksSecret reports whether a key that no ConfigDef types (a pass-through
// key such as producer.override.ssl.key.password) should be treated as a
// secret by its name.
func LooksSecret(key string) bool { return secretName.MatchString(key) }

// MaskPasswords returns a copy of props fit to show: the value of every
// PASSWORD key of def, and of every key def does not define whose name
// LooksSecret, becomes [HiddenValue]. A value that is exactly one
// config-provider reference (e.g. ${file:/etc/secrets.properties:db.password})
// is kept: a reference is not a secret, and showing it tells the reader
// where the secret comes from. def may be nil (names alone decide).
func MaskPasswords(def *ConfigDef, props map[string]string) map[string]string {
	out := make(map[string]string, len(props))
	for k, v := range props {
		secret := false
		if def != nil && def.isDefined(k) {
			secret = def.IsPassword(k)
		} else {
			secret = LooksSecret(k)
		}
		if secret && !isSingleReference(v) {
			v = HiddenValue
		}
		out[k] = v
	}
	return out
}

// isSingleReference reports whether v, trimmed, is exactly one reference.
func isSingleReference(v string) bool {
	v = strings.TrimSpace(v)
	loc := referencePattern.FindStringIndex(v)
	return loc != nil && loc[0] == 0 && loc[1] == len(v)
}
