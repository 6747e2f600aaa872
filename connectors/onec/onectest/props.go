package onectest

import (
	"fmt"
	"net/url"
)

// ConnectorDBProps splits a database URL with credentials (as the test
// harnesses give them) into the 1C connectors' keys: database.url without
// credentials, database.user, and database.password when the URL has one.
func ConnectorDBProps(dsn string) (map[string]string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("onectest: database URL: %w", err) // url's error may quote the password; tests only
	}
	props := map[string]string{"database.user": u.User.Username()}
	if pw, ok := u.User.Password(); ok {
		props["database.password"] = pw
	}
	u.User = nil
	props["database.url"] = u.String()
	return props, nil
}
