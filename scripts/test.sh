#!/usr/bin/env bash
# Runs culturesim's tests (go test ./..., with any extra arguments), then
# says which suites it skipped because their services or tools are not
# set up here, and how to run them (.ci/run runs them all).
set -uo pipefail
cd "$(dirname "$0")/.."
go test "$@" ./...
status=$?
skipped=()
[ "${CULTURESIM_BROWSER:-}" = 1 ] || skipped+=("browser tests (headless Chromium): apt-get install chromium; CULTURESIM_BROWSER=1")
[ "${CULTURESIM_SLURM:-}" = 1 ] || skipped+=("Slurm cluster tests: .ci/slurm/start.sh; CULTURESIM_SLURM=1")
[ "${CULTURESIM_CHAOS:-}" = 1 ] || skipped+=("chaos tests (kills, a full tmpfs, damaged journals; as root): CULTURESIM_CHAOS=1")
[ "${CULTURESIM_READERS:-}" = 1 ] || skipped+=("readers of the outputs (DuckDB, pandas, R): CULTURESIM_READERS=1 CULTURESIM_DUCKDB_NODE=DIR CULTURESIM_PYTHON=python3")
[ "${CULTURESIM_EXACT:-}" = 1 ] || skipped+=("the exact finite chain against the engine at N = 60, 61: CULTURESIM_EXACT=1")
if [ ${#skipped[@]} -gt 0 ]; then
	echo
	echo "Skipped here (.ci/run installs what they need and runs them all):"
	printf '  - %s\n' "${skipped[@]}"
fi
exit $status
