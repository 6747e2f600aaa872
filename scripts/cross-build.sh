#!/usr/bin/env bash
# cross-build.sh: check that every package compiles for the platforms we ship
# (windows/amd64, linux/amd64, linux/arm64) with CGO_ENABLED=0, and that the
# Windows-only code (internal/winsvc and its tests) passes go vet for
# GOOS=windows. Builds to a temporary directory; prints one line per target
# and exits non-zero on the first failure. The worker binary pulls in every
# package it ships; CROSS_ALL=1 also builds every other package (test
# helpers, benchmarks) for each target.
#
#   scripts/cross-build.sh            # all targets
#   scripts/cross-build.sh linux/arm64
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

GO="${GO:-go}"
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
	targets=(windows/amd64 linux/amd64 linux/arm64)
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

for target in "${targets[@]}"; do
	goos="${target%/*}"
	goarch="${target#*/}"
	ext=""
	[[ "$goos" == windows ]] && ext=".exe"
	if [[ -n "${CROSS_ALL:-}" ]]; then
		echo "cross-build: $goos/$goarch: go build ./..."
		CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" "$GO" build ./...
	fi
	echo "cross-build: $goos/$goarch: worker$ext"
	CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" "$GO" build -trimpath -ldflags="-s -w" -o "$out/worker-$goos-$goarch$ext" ./cmd/worker
	if [[ "$goos" == windows ]]; then
		echo "cross-build: $goos/$goarch: go vet ./internal/winsvc/"
		CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" "$GO" vet ./internal/winsvc/
	fi
done
echo "cross-build: ok (${targets[*]})"
