#!/usr/bin/env bash
# ensure-postgres.sh: make sure PostgreSQL's server binaries (initdb, pg_ctl)
# are installed, which internal/testkit needs to start a throwaway cluster.
# Installs Debian's postgresql package when run as root; otherwise prints the
# command to run and exits 2. Exits 0 at once when ONEC_TEST_POSTGRES_URL is
# set (the tests then use that server) or initdb is already there.
set -euo pipefail

have_initdb() {
	command -v initdb >/dev/null 2>&1 && return 0
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if [[ -n "${ONEC_TEST_POSTGRES_URL:-}" ]]; then
	echo "ensure-postgres: ONEC_TEST_POSTGRES_URL is set; tests use that server"
	exit 0
fi
if have_initdb; then
	exit 0
fi

install_cmd='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql'
if [[ "$(id -u)" -ne 0 ]]; then
	echo "ensure-postgres: initdb not found; as root run:" >&2
	echo "  $install_cmd" >&2
	exit 2
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-postgres: initdb not found and apt-get is unavailable; install PostgreSQL's server binaries by hand" >&2
	exit 2
fi

echo "ensure-postgres: installing postgresql"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql

if ! have_initdb; then
	echo "ensure-postgres: postgresql installed but initdb still not found" >&2
	exit 1
fi
