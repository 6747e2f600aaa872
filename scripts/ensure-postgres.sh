#!/usr/bin/env bash
# ensure-postgres.sh: make sure PostgreSQL's server binaries (initdb, pg_ctl)
# are installed; internal/pgserver needs them to start a throwaway cluster
# (the tests through internal/testkit, and `make demo`).
#
#   scripts/ensure-postgres.sh            for the tests: exits 0 at once when
#                                         ONEC_TEST_POSTGRES_URL is set (the
#                                         tests then use that server)
#   scripts/ensure-postgres.sh --local    for the demo: the binaries are
#                                         needed whatever that variable says
#
# When initdb is missing it installs Debian's postgresql package with
# apt-get: directly as root, through sudo otherwise (sudo may ask for a
# password on a terminal; without a terminal only password-less sudo is
# tried). When that is not possible it prints the one command to run and
# exits 2. Exits 0 when initdb is there (afterwards).
set -euo pipefail

local_only=false
case "${1:-}" in
--local) local_only=true ;;
"") ;;
*)
	echo "usage: $0 [--local]" >&2
	exit 2
	;;
esac

have_initdb() {
	command -v initdb >/dev/null 2>&1 && return 0
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if [[ -n "${ONEC_TEST_POSTGRES_URL:-}" && "$local_only" == false ]]; then
	echo "ensure-postgres: ONEC_TEST_POSTGRES_URL is set; tests use that server"
	exit 0
fi
if have_initdb; then
	exit 0
fi

install_cmd='apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql'
print_and_exit() {
	echo "ensure-postgres: PostgreSQL's server binaries (initdb, pg_ctl) are not installed. $1 Run:" >&2
	echo "  sudo sh -c '$install_cmd'" >&2
	echo "then try again." >&2
	exit 2
}

if ! command -v apt-get >/dev/null 2>&1; then
	echo "ensure-postgres: initdb not found and apt-get is unavailable; install PostgreSQL's server binaries" >&2
	echo "  (initdb and pg_ctl, version 13 or later) with your system's package manager, then try again." >&2
	exit 2
fi

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		print_and_exit "Not root, and sudo is not available."
	fi
	if [[ -t 0 ]]; then
		sudo=(sudo)
	elif sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		print_and_exit "Not root, and sudo needs a password (no terminal to ask on)."
	fi
fi

echo "ensure-postgres: installing Debian's postgresql package${sudo:+ with sudo}"
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive sh -c "$install_cmd"; then
	print_and_exit "Installing it failed."
fi

if ! have_initdb; then
	echo "ensure-postgres: postgresql installed but initdb still not found" >&2
	exit 1
fi
