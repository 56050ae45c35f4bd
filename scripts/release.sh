#!/usr/bin/env bash
# Builds culturesim's release binaries: static (CGO_ENABLED=0), stripped
# and path-free (-trimpath), for linux/amd64, linux/arm64, darwin/arm64,
# darwin/amd64 and windows/amd64, each recording the release and the
# commit (culturesim version prints both), the teaching page's static site
# (site/ and a .tar.gz of it), with a SHA256SUMS file.
#
#   scripts/release.sh [--out DIR]     (default: dist/)
#
# Run from anywhere in a clone; .ci/run builds all five targets with it.
set -euo pipefail
out=dist
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "release.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd) # relative to where it was run, before moving to the clone's root
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
release=$(sed -n 's/^const Release = "\(.*\)"/\1/p' internal/version/version.go)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+dirty"; fi
sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; } # macOS has shasum
targets="linux/amd64 linux/arm64 darwin/arm64 darwin/amd64 windows/amd64"
for t in $targets; do
	os=${t%/*} arch=${t#*/}
	name="culturesim_${release}_${os}_${arch}"
	[ "$os" = windows ] && name="$name.exe"
	echo "building $name"
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -buildvcs=false \
		-ldflags "-s -w -X github.com/culturesim/culturesim/internal/version.Commit=$commit" \
		-o "$out/$name" ./cmd/culturesim
done
echo "building the teaching page's static site (site/: the engine in WebAssembly)"
go run ./cmd/culturesim site "$out/site" >/dev/null
(cd "$out/site" && tar -czf "../culturesim_${release}_site.tar.gz" .)
(cd "$out" && sum culturesim_"${release}"_* > SHA256SUMS)
echo "release $release ($commit): five binaries, the site (site/ and its .tar.gz) and SHA256SUMS in $out"
