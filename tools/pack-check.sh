#!/usr/bin/env bash
# What a user of the packages does, on the packages this commit builds (run by .ci/run after the tests):
#   1. dotnet pack → Recur, Recur.Forecasting and the tool Recur.Cli in a local feed;
#   2. install the tool into a temporary tool path and run `recur` (--help must call it recur; a short sine run);
#   3. a fresh console app referencing Recur + Recur.Forecasting from the feed runs the README's library snippet;
#   4. a fresh console app runs issue 9's resume program: 40 steps in one go, and 20 steps + Checkpoint.Save then
#      Checkpoint.Load + 20 steps in a new process, must print the same parameter bits and the same next draw.
# Offline apart from the package registry. Keeps nothing: everything happens in a temporary folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/recur-pack-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/Directory.Build.props")
feed=$work/feed
step() { echo; echo "== pack-check: $*"; }

step "dotnet pack (version $version)"
dotnet pack "$root/Recur.slnx" -c Release -o "$feed" --nologo -v quiet
for id in Recur Recur.Forecasting Recur.Cli; do
    test -f "$feed/$id.$version.nupkg" || { echo "missing package $id.$version.nupkg"; ls "$feed"; exit 1; }
done
ls -l "$feed"
# What each library package carries: README, XML docs, license, the repository and the commit it was built from.
commit=$(git -C "$root" rev-parse HEAD)
for id in Recur Recur.Forecasting; do
    nuspec=$(unzip -p "$feed/$id.$version.nupkg" "$id.nuspec")
    listing=$(unzip -l "$feed/$id.$version.nupkg")
    for want in '<license type="expression">MIT</license>' '<readme>README.md</readme>' "commit=\"$commit\"" 'repository type="git" url="https://'; do
        grep -qF "$want" <<< "$nuspec" || { echo "$id.nuspec lacks $want"; exit 1; }
    done
    for file in README.md "lib/net10.0/$id.dll" "lib/net10.0/$id.xml"; do
        grep -qF " $file" <<< "$listing" || { echo "$id.$version.nupkg lacks $file"; exit 1; }
    done
done
echo "packages carry README, XML docs, MIT license, repository URL and commit ${commit:0:12}"

# The installs and the apps below restore into a package cache of their own, so they see the packages just built,
# never an older build of the same version from the machine's cache.
export NUGET_PACKAGES=$work/packages

step "dotnet tool install Recur.Cli → recur"
dotnet tool install --tool-path "$work/tools" --add-source "$feed" --version "$version" Recur.Cli
"$work/tools/recur" --help | tee "$work/help.txt"
grep -q '^  recur \[command\] \[options\]' "$work/help.txt" || { echo "recur --help does not call itself recur"; exit 1; }
"$work/tools/recur" sine --iterations 200 --plot "$work/sine.png" --json | tail -n 1
test -s "$work/sine.png"

# A console project referencing the local feed's packages; $1: folder, $2: the program.
make_app() {
    mkdir -p "$1"
    cat > "$1/App.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Recur" Version="$version" />
    <PackageReference Include="Recur.Forecasting" Version="$version" />
  </ItemGroup>
</Project>
PROJ
    cat > "$1/nuget.config" <<CONF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="recur-local" value="$feed" />
  </packageSources>
</configuration>
CONF
    cp "$2" "$1/Program.cs"
    dotnet build "$1/App.csproj" -c Release -o "$1/out" --nologo -v quiet
}

step "console app: the README's library snippet"
awk '/<!-- pack-check: library snippet/ { armed = 1; next }
     armed && /^```csharp/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' "$root/README.md" > "$work/Readme.cs"
test -s "$work/Readme.cs" || { echo "README.md has no library snippet after the pack-check marker"; exit 1; }
make_app "$work/readme" "$work/Readme.cs"
mkdir -p "$work/run" && cp "$root/data/seattle-weather.csv" "$work/run/"
(cd "$work/run" && dotnet "$work/readme/out/App.dll") | tee "$work/readme.txt"
grep -q '^test MASE' "$work/readme.txt" || { echo "the README snippet did not get to its forecast"; exit 1; }
# The package's build/Recur.targets gives the app the large-object threshold training needs.
grep -q '"System.GC.LOHThreshold": 33554432' "$work/readme/out/App.runtimeconfig.json" \
    || { echo "the app's runtimeconfig.json lacks System.GC.LOHThreshold from Recur.targets"; cat "$work/readme/out/App.runtimeconfig.json"; exit 1; }

step "console app: resume from a checkpoint, bit for bit"
make_app "$work/resume" "$root/tools/pack-check/Resume.cs"
dotnet "$work/resume/out/App.dll" full > "$work/full.txt"
dotnet "$work/resume/out/App.dll" first "$work/run.ckpt.safetensors"
dotnet "$work/resume/out/App.dll" resume "$work/run.ckpt.safetensors" > "$work/resumed.txt"
cat "$work/resumed.txt"
test -s "$work/full.txt"
diff "$work/full.txt" "$work/resumed.txt" || { echo "the resumed run differs from the uninterrupted one"; exit 1; }

echo
echo "pack-check: OK (packages, tool, README snippet, bit-exact resume)"
