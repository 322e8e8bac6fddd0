#!/usr/bin/env bash
# Reproducible builds: clone this repository's HEAD into two folders of different names and depths, pack each with
# CI=true (ContinuousIntegrationBuild: paths mapped to /_/, SourceLink to the one repository URL, package timestamps
# from the last commit), and compare the packages and the DLLs byte for byte. About 5-10 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/recur-repro.XXXXXX")
trap 'rm -rf "$work"' EXIT
a=$work/a
b=$work/somewhere/much/deeper/recur-copy
head=$(git -C "$root" rev-parse --short HEAD)
git clone -q "$root" "$a" && git -C "$a" checkout -q "$head"
git clone -q "$root" "$b" && git -C "$b" checkout -q "$head"
for d in "$a" "$b"; do
    (cd "$d" && CI=true dotnet pack Recur.slnx -c Release -o out --nologo -v quiet)
done
files="out/*.nupkg src/*/bin/Release/net10.0/Recur*.dll"
(cd "$a" && sha256sum $files) > "$work/a.sha"
(cd "$b" && sha256sum $files) > "$work/b.sha"
cat "$work/a.sha"
if diff "$work/a.sha" "$work/b.sha"; then
    echo "repro-check: OK, $(wc -l < "$work/a.sha") files byte-identical from two folders (commit $head)"
else
    echo "repro-check: the two builds differ"; exit 1
fi
