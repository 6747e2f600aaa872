package common

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/config"
)

// Keys every 1C connector accepts (design.md, "Names users will type").
const (
	KeyDatabaseURL      = "database.url"
	KeyDatabaseUser     = "database.user"
	KeyDatabasePassword = "database.password"
	// KeyMetadataRefresh is how often the configuration fingerprint is
	// checked for a change (a cheap query); 0 disables the reload.
	KeyMetadataRefresh = "metadata.refresh.interval.ms"
	// KeyDecimalHandling selects how 1C numbers map: precise, double, string.
	KeyDecimalHandling = "decimal.handling.mode"
)

// GroupDatabase is the config group of the database keys.
const GroupDatabase = "1C database"

// DatabaseConfigDef returns the common 1C keys; a connector merges it with
// its own definition. Each call builds a new definition.
func DatabaseConfigDef() *config.ConfigDef {
	d := config.NewConfigDef()
	d.Define(config.Key{Name: KeyDatabaseURL, Type: config.TypeString, Required: true, Validator: config.ValidatorFunc(
		"postgres://host:port/db or sqlserver://host:port?database=db, without credentials",
		func(key string, v any) error {
			s, _ := v.(string)
			if _, err := ParseDatabaseURL(s); err != nil {
				return &config.InvalidValueError{Key: key, Value: redactURL(s), Reason: err.Error()}
			}
			return nil
		}),
		Importance: config.ImportanceHigh, Group: GroupDatabase, Width: config.WidthLong, DisplayName: "Database URL",
		Doc: "The infobase's database: postgres://host:port/db or sqlserver://host:port?database=db, without user or password " +
			"(use database.user and database.password). TLS options pass through as query parameters: sslmode, sslrootcert, " +
			"sslcert, sslkey (PostgreSQL); encrypt, TrustServerCertificate, certificate, hostNameInCertificate (SQL Server)."})
	d.Define(config.Key{Name: KeyDatabaseUser, Type: config.TypeString, Default: "",
		Importance: config.ImportanceHigh, Group: GroupDatabase, Width: config.WidthMedium, DisplayName: "Database user",
		Doc: "Database login."})
	d.Define(config.Key{Name: KeyDatabasePassword, Type: config.TypePassword, Default: "",
		Importance: config.ImportanceHigh, Group: GroupDatabase, Width: config.WidthMedium, DisplayName: "Database password",
		Doc: "Database password; masked in logs and REST output. Config providers such as ${file:/run/secrets/db.properties:password} are welcome."})
	d.Define(config.Key{Name: KeyMetadataRefresh, Type: config.TypeLong, Default: int64(30000), Validator: config.AtLeast(0),
		Importance: config.ImportanceLow, Group: GroupDatabase, Width: config.WidthShort, DisplayName: "Metadata refresh interval",
		Doc: "How often, in milliseconds, the connector checks whether the 1C configuration changed (one cheap query) and reloads " +
			"the metadata when it did; 0 disables the check."})
	d.Define(config.Key{Name: KeyDecimalHandling, Type: config.TypeString, Default: "precise",
		Validator:  config.OneOfCaseInsensitive("precise", "double", "string"),
		Importance: config.ImportanceLow, Group: GroupDatabase, Width: config.WidthShort, DisplayName: "Decimal handling",
		Doc: "How 1C numbers are represented: precise (Connect Decimal), double (FLOAT64) or string."})
	return d
}

// Database is the parsed connection configuration.
type Database struct {
	// URL is database.url as given (no credentials).
	URL *url.URL
	// Scheme is "postgres" or "sqlserver".
	Scheme   string
	User     string
	Password config.Password
	// RefreshInterval is metadata.refresh.interval.ms.
	RefreshInterval time.Duration
	// DecimalHandling is decimal.handling.mode, lower-case.
	DecimalHandling string
}

// ParseDatabase reads the common keys from values parsed with a definition
// that includes DatabaseConfigDef.
func ParseDatabase(v *config.Values) (Database, error) {
	raw := v.String(KeyDatabaseURL)
	u, err := ParseDatabaseURL(raw)
	if err != nil {
		return Database{}, &config.ValidationError{Errors: map[string][]string{
			KeyDatabaseURL: {(&config.InvalidValueError{Key: KeyDatabaseURL, Value: redactURL(raw), Reason: err.Error()}).Error()}}}
	}
	scheme := "postgres"
	if u.Scheme == "sqlserver" {
		scheme = "sqlserver"
	}
	return Database{URL: u, Scheme: scheme, User: v.String(KeyDatabaseUser), Password: v.Password(KeyDatabasePassword),
		RefreshInterval: time.Duration(v.Long(KeyMetadataRefresh)) * time.Millisecond,
		DecimalHandling: strings.ToLower(v.String(KeyDecimalHandling))}, nil
}

// credentialParams are query parameters that would smuggle credentials in.
var credentialParams = map[string]string{
	"password": KeyDatabasePassword, "user": KeyDatabaseUser, "user id": KeyDatabaseUser, "userid": KeyDatabaseUser,
	"uid": KeyDatabaseUser, "pwd": KeyDatabasePassword,
}

// ParseDatabaseURL checks a database.url value: scheme postgres,
// postgresql or sqlserver, a host, and no credentials.
func ParseDatabaseURL(s string) (*url.URL, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("empty URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("not a URL (%v)", redactErr(err, s))
	}
	switch u.Scheme {
	case "postgres", "postgresql", "sqlserver":
	default:
		return nil, fmt.Errorf("scheme %q: want postgres:// or sqlserver://", u.Scheme)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return nil, fmt.Errorf("the URL contains a password: remove it and set %s instead: %w", KeyDatabasePassword, ErrCredentialsInURL)
		}
		return nil, fmt.Errorf("the URL contains a user name: remove it and set %s instead: %w", KeyDatabaseUser, ErrCredentialsInURL)
	}
	for k := range u.Query() {
		if key, bad := credentialParams[strings.ToLower(k)]; bad {
			return nil, fmt.Errorf("the URL contains the %q parameter: remove it and set %s instead: %w", k, key, ErrCredentialsInURL)
		}
	}
	if u.Host == "" {
		return nil, fmt.Errorf("no host")
	}
	if u.Scheme != "sqlserver" && strings.Trim(u.Path, "/") == "" {
		return nil, fmt.Errorf("no database name in the path (postgres://host:port/db)")
	}
	if u.Scheme == "sqlserver" && u.Query().Get("database") == "" {
		return nil, fmt.Errorf("no database parameter (sqlserver://host:port?database=db)")
	}
	return u, nil
}

// DSN returns the connection string with the credentials filled in. It is
// a secret: never log it.
func (d Database) DSN() string {
	u := *d.URL
	if d.User != "" {
		if pw := d.Password.Value(); pw != "" {
			u.User = url.UserPassword(d.User, pw)
		} else {
			u.User = url.User(d.User)
		}
	}
	return u.String()
}

// Redacted returns the URL without credentials, for logs and errors.
func (d Database) Redacted() string { return d.URL.Redacted() }

// redactURL hides a password in a raw, possibly invalid, URL string.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		if u.User != nil {
			if _, has := u.User.Password(); has {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			}
		}
		q := u.Query()
		changed := false
		for k := range q {
			if l := strings.ToLower(k); l == "password" || l == "pwd" {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	if i := strings.Index(s, "@"); i >= 0 {
		return "<redacted>" + s[i:]
	}
	return s
}

func redactErr(err error, raw string) string {
	msg := err.Error()
	if raw != "" {
		msg = strings.ReplaceAll(msg, raw, redactURL(raw))
	}
	return msg
}
