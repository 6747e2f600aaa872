package inspect

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/onecconnect/onecconnect/connectors/onec/metadata"
)

// Exit codes of Main.
const (
	ExitOK       = 0
	ExitNotFound = 1 // an OBJECT argument names no object
	ExitFailure  = 2 // usage error, bad DSN, unreachable server, unreadable .cf file
)

// EnvPassword is the environment variable the database password is read
// from when --password is not given.
const EnvPassword = "ONEC_DATABASE_PASSWORD"

const usage = `usage: worker onec inspect (--dsn DSN | --cf FILE) [OBJECT ...] [--format table|json]
  [--user USER] [--password PASSWORD] [--timeout 30s] [--decimal-handling precise|double|string]

Lists the metadata objects of a 1C infobase (DSN: postgres://... or
sqlserver://...) or of a .cf configuration file: kind, name, synonym,
table, columns, types and the Connect schema each maps to. With OBJECT
(Kind.Name in English or Russian, e.g. Справочник.Номенклатура), that
object in full. The password may come from $` + EnvPassword + `.
Exit codes: 0 ok, 1 unknown object, 2 usage or connection error.
`

// options are the parsed command-line arguments.
type options struct {
	dsn, cf, user, password, format string
	timeout                         time.Duration
	decimal                         metadata.DecimalHandling
	objects                         []string
}

// Main runs `worker onec inspect` with args (the arguments after
// "inspect") and returns the process exit code. Errors are one line on
// stderr prefixed "onec inspect: "; the password is never printed.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseArgs(args, os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "onec inspect: %v\n%s", err, usage)
		return ExitFailure
	}
	ib, err := load(ctx, opts)
	if err != nil {
		fmt.Fprintf(stderr, "onec inspect: %s\n", oneLine(redact(err.Error(), opts.password)))
		return ExitFailure
	}
	var selected []*metadata.Object
	if len(opts.objects) > 0 {
		selected = []*metadata.Object{}
		for _, name := range opts.objects {
			t, err := ib.Resolve(name)
			if err != nil {
				fmt.Fprintf(stderr, "onec inspect: %v\n", err)
				return ExitNotFound
			}
			selected = append(selected, t.Object)
		}
	}
	rep := NewReport(ib, selected, metadata.SchemaOptions{DecimalHandling: opts.decimal})
	if opts.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = writeTable(stdout, rep, len(opts.objects) > 0)
	}
	if err != nil {
		fmt.Fprintf(stderr, "onec inspect: write output: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// parseArgs parses flags and OBJECT arguments in any order.
func parseArgs(args []string, getenv func(string) string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.dsn, "dsn", "", "infobase DSN (postgres://… or sqlserver://…)")
	fs.StringVar(&o.cf, "cf", "", ".cf configuration file")
	fs.StringVar(&o.user, "user", "", "database user (overrides the DSN's)")
	fs.StringVar(&o.password, "password", "", "database password (default $"+EnvPassword+")")
	fs.StringVar(&o.format, "format", "table", "output format: table or json")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "time limit for connecting and loading")
	dec := fs.String("decimal-handling", "precise", "decimal.handling.mode of the schemas: precise, double or string")
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) > 0 {
			if rest[0] != "--" {
				o.objects = append(o.objects, rest[0])
			}
			rest = rest[1:]
		}
	}
	switch {
	case o.dsn == "" && o.cf == "":
		return nil, errors.New("one of --dsn and --cf is required")
	case o.dsn != "" && o.cf != "":
		return nil, errors.New("--dsn and --cf exclude each other")
	case o.format != "table" && o.format != "json":
		return nil, fmt.Errorf("--format %q: want table or json", o.format)
	case o.timeout <= 0:
		return nil, fmt.Errorf("--timeout %s: want a positive duration", o.timeout)
	}
	var err error
	if o.decimal, err = metadata.ParseDecimalHandling(*dec); err != nil {
		return nil, err
	}
	if o.password == "" {
		o.password = getenv(EnvPassword)
	}
	return o, nil
}

// load reads the metadata from the DSN or the .cf file.
func load(ctx context.Context, o *options) (*metadata.Infobase, error) {
	if o.cf != "" {
		data, err := os.ReadFile(o.cf)
		if err != nil {
			return nil, fmt.Errorf("read --cf: %w", err)
		}
		ib, err := metadata.LoadCF(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.cf, err)
		}
		return ib, nil
	}
	dsn, err := buildDSN(o.dsn, o.user, o.password)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	r, err := metadata.Open(ctx, dsn, metadata.LoadOptions{Logger: slog.New(slog.DiscardHandler)})
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%s: no answer within %s (--timeout)", redactedDSN(dsn), o.timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", redactedDSN(dsn), err)
	}
	defer r.Close()
	return r.Snapshot(), nil
}

// buildDSN checks the DSN and puts --user and the password into it.
func buildDSN(dsn, user, password string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		return "", errors.New("--dsn is not a URL like postgres://host:5432/db or sqlserver://host:1433?database=db")
	}
	switch u.Scheme {
	case "postgres", "postgresql", "sqlserver":
	default:
		return "", fmt.Errorf("--dsn scheme %q: want postgres:// or sqlserver://", u.Scheme)
	}
	if user == "" && u.User != nil {
		user = u.User.Username()
	}
	if password == "" && u.User != nil {
		password, _ = u.User.Password()
	}
	switch {
	case user != "" && password != "":
		u.User = url.UserPassword(user, password)
	case user != "":
		u.User = url.User(user)
	case password != "":
		return "", errors.New("a password without a user: give --user or a user in --dsn")
	}
	return u.String(), nil
}

// redactedDSN prints a DSN with the password replaced by "xxxxx".
func redactedDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the DSN"
	}
	return u.Redacted()
}

// redact removes the password from a message (drivers do not print it, but
// a message may quote the DSN).
func redact(msg, password string) string {
	if password == "" {
		return msg
	}
	msg = strings.ReplaceAll(msg, url.UserPassword("u", password).String()[2:], "xxxxx") // URL-escaped form
	return strings.ReplaceAll(msg, password, "xxxxx")
}

// oneLine joins a multi-line driver message (pgx lists every address it
// tried on its own line) into one line.
func oneLine(msg string) string {
	lines := strings.FieldsFunc(msg, func(r rune) bool { return r == '\n' || r == '\r' })
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}
