#!/usr/bin/env bash
# Mutation testing of KvmTune.Core with its tests (Stryker.NET, local tool in dotnet-tools.json).
#
#   scripts/mutation.sh [FOLDER...]    mutate src/KvmTune.Core/FOLDER/** for each FOLDER (default: Rules Tuning Apply
#                                      Libvirt Nova Decisions), one Stryker run per folder, then print the scores
#   scripts/mutation.sh --summary      print the scores of the last runs again
#   scripts/mutation.sh --survivors [FOLDER...]
#                                      list the mutants of the last runs no test killed (file:line, mutator, the
#                                      source and what it became), to write the tests that are missing
#   scripts/mutation.sh Decisions/Ranking.cs Rules/Catalog
#                                      a file or a sub-folder instead (its report goes to StrykerOutput/Decisions_Ranking.cs)
#   STRYKER_ARGS='…' scripts/mutation.sh …   extra Stryker options
#   MUTATION_NICE=0 MUTATION_CONCURRENCY=2 scripts/mutation.sh …   on a machine of its own: full priority, two test runners
#
# Reports go to StrykerOutput/FOLDER/reports (mutation-report.json and .html; not committed). The score is Stryker's:
# (killed + timeout) / (killed + timeout + survived + no coverage). Slow: run it in the background, one folder at a
# time on a shared machine (it runs under nice -n 19 with one test runner).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="$here/StrykerOutput"
# Stryker's project analysis runs `dotnet --info` with a short timeout: keep it quick on a loaded machine.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1

summary() {
    /usr/bin/env python3 - "$out" <<'PY'
import json, os, sys
root = sys.argv[1]
total = {}
print(f"{'folder':<12} {'mutants':>8} {'killed':>7} {'timeout':>8} {'survived':>9} {'no cov':>7} {'score':>7}")
for folder in sorted(os.listdir(root)) if os.path.isdir(root) else []:
    path = os.path.join(root, folder, "reports", "mutation-report.json")
    if not os.path.exists(path):
        continue
    counts = {}
    for f in json.load(open(path))["files"].values():
        for m in f["mutants"]:
            counts[m["status"]] = counts.get(m["status"], 0) + 1
            total[m["status"]] = total.get(m["status"], 0) + 1
    def line(name, c):
        k, t, s, n = c.get("Killed", 0), c.get("Timeout", 0), c.get("Survived", 0), c.get("NoCoverage", 0)
        valid = k + t + s + n
        score = 100.0 * (k + t) / valid if valid else 0.0
        print(f"{name:<12} {valid:>8} {k:>7} {t:>8} {s:>9} {n:>7} {score:>6.1f}%")
    line(folder, counts)
if total:
    k, t, s, n = total.get("Killed", 0), total.get("Timeout", 0), total.get("Survived", 0), total.get("NoCoverage", 0)
    valid = k + t + s + n
    print(f"{'overall':<12} {valid:>8} {k:>7} {t:>8} {s:>9} {n:>7} {100.0 * (k + t) / valid:>6.1f}%")
PY
}

survivors() {
    /usr/bin/env python3 - "$out" "$here" "$@" <<'PY'
import json, os, sys
root, here, wanted = sys.argv[1], sys.argv[2], [w.replace("/", "_") for w in sys.argv[3:]]
for folder in sorted(os.listdir(root)) if os.path.isdir(root) else []:
    path = os.path.join(root, folder, "reports", "mutation-report.json")
    if (wanted and folder not in wanted) or not os.path.exists(path):
        continue
    for name, f in sorted(json.load(open(path))["files"].items()):
        lines = f["source"].split("\n")
        for m in sorted(f["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
            if m["status"] not in ("Survived", "NoCoverage"):
                continue
            start, end = m["location"]["start"], m["location"]["end"]
            if start["line"] == end["line"]:
                original = lines[start["line"] - 1][start["column"] - 1:end["column"] - 1]
            else:
                original = lines[start["line"] - 1][start["column"] - 1:] + " …"
            shorten = lambda text: " ".join(text.split())[:100]
            print(f"{os.path.relpath(name, here)}:{start['line']}: {m['status']}: {m['mutatorName']}: "
                  f"{shorten(original)} -> {shorten(m.get('replacement', ''))}")
PY
}

if [ "${1:-}" = "--survivors" ]; then
    shift
    survivors "$@"
    exit 0
fi
if [ "${1:-}" = "--summary" ]; then
    summary
    exit 0
fi
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(Rules Tuning Apply Libvirt Nova Decisions)
cd "$here"
dotnet tool restore >/dev/null
# Stryker reads the projects' restore and build output: build the test project once first.
dotnet build tests/KvmTune.Core.Tests/KvmTune.Core.Tests.csproj -c Release -nologo -v q >/dev/null
# Stryker finds MSBuild through Buildalyzer, which gives up ("Could not find build environment") when `dotnet --info`
# is slow on a loaded machine: name the SDK's MSBuild.dll (the version global.json selects) instead.
sdk_version="$(dotnet --version)"
sdk_base="$(dotnet --list-sdks | awk -v v="$sdk_version" '$1 == v { gsub(/[][]/, "", $2); print $2; exit }')"
msbuild=()
[ -f "$sdk_base/$sdk_version/MSBuild.dll" ] && msbuild=(--msbuild-path "$sdk_base/$sdk_version/MSBuild.dll")
for folder in "${folders[@]}"; do
    folder="${folder%/}"
    if [ -f "src/KvmTune.Core/$folder" ]; then
        pattern="**/$folder"
    elif [ -d "src/KvmTune.Core/$folder" ]; then
        pattern="**/$folder/**/*.cs"
    else
        echo "mutation.sh: no folder or file src/KvmTune.Core/$folder" >&2
        exit 2
    fi
    name="${folder//\//_}"
    rm -rf "${out:?}/$name"
    (cd tests/KvmTune.Core.Tests && nice -n "${MUTATION_NICE:-19}" dotnet stryker --project KvmTune.Core.csproj --configuration Release \
        --mutate "$pattern" --reporter json --reporter html --reporter progress --concurrency "${MUTATION_CONCURRENCY:-1}" \
        --skip-version-check "${msbuild[@]}" --output "$out/$name" ${STRYKER_ARGS:-})
done
summary
