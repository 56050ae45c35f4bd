#!/usr/bin/env bash
# Runs culturesim's tests (go test ./..., with any extra arguments), then
# says once which suites were skipped because their services or tools
# are not set up here, and how to run them (.ci/run runs them all). The
# tests themselves name the suites they skipped (internal/testgate);
# plain go test ./... writes the same lines to the terminal.
set -uo pipefail
cd "$(dirname "$0")/.."
skips=$(mktemp)
trap 'rm -f "$skips"' EXIT
CULTURESIM_SKIPS="$skips" go test "$@" ./...
status=$?
if [ -s "$skips" ]; then
	echo
	echo "Skipped here (.ci/run installs what they need and runs them all):"
	sort -u "$skips" | sed 's/^culturesim: skipped /  - /'
fi
exit $status
