#!/usr/bin/env bash
# Runs one afl++ campaign on a KvmTune fuzz target (fuzz/KvmTune.Fuzz) through SharpFuzz.
#
#   scripts/fuzz.sh TARGET [SECONDS]      fuzz for SECONDS (default 1800), then print execs, crashes and hangs
#   scripts/fuzz.sh TARGET --minimise     afl-cmin the campaign's queue plus fuzz/corpus/TARGET into fuzz/corpus/TARGET
#   scripts/fuzz.sh TARGET --replay FILE… run the target once on each file (no afl++) and name the ones that fail
#
# Targets: domain-xml, nova-conf, qemu-cmdline, policy. Needs afl++ (Debian package afl++) and the local dotnet tool
# sharpfuzz (dotnet tool restore). The campaign runs under nice -n 19: the machine may be shared. Findings stay in
# fuzz/.findings/TARGET (not committed); a crash's input is in .../default/crashes/, replay it with --replay.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
target="${1:-}"
case "$target" in
    domain-xml|nova-conf|qemu-cmdline|policy) ;;
    *) echo "usage: scripts/fuzz.sh domain-xml|nova-conf|qemu-cmdline|policy [SECONDS | --minimise | --replay FILE...]" >&2; exit 2 ;;
esac
shift
build="$here/fuzz/.build/$target"
findings="$here/fuzz/.findings/$target"
corpus="$here/fuzz/corpus/$target"

build_instrumented() {
    rm -rf "$build"
    dotnet build "$here/fuzz/KvmTune.Fuzz/KvmTune.Fuzz.csproj" -c Release -o "$build" -nologo -v q >/dev/null
    (cd "$here" && dotnet tool restore >/dev/null && dotnet tool run sharpfuzz "$build/KvmTune.Core.dll" >/dev/null)
}

if [ "${1:-}" = "--replay" ]; then
    shift
    dotnet build "$here/fuzz/KvmTune.Fuzz/KvmTune.Fuzz.csproj" -c Release -nologo -v q >/dev/null
    exec dotnet "$here/fuzz/KvmTune.Fuzz/bin/Release/net10.0/KvmTune.Fuzz.dll" "$target" "$@"
fi

command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 3; }
export AFL_AUTORESUME=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

if [ "${1:-}" = "--minimise" ]; then
    [ -d "$build" ] || build_instrumented
    # afl-cmin refuses /tmp: work beside the findings. Crash inputs (crash-*) are kept as they are, by name.
    work="$here/fuzz/.findings/$target.cmin"
    rm -rf "$work"; mkdir -p "$work/all" "$work/crashes"
    for f in "$corpus"/*; do
        case "$(basename "$f")" in
            crash-*) cp "$f" "$work/crashes/" ;;
            *) cp "$f" "$work/all/" ;;
        esac
    done
    if [ -d "$findings/default/queue" ]; then
        find "$findings/default/queue" -maxdepth 1 -type f -exec cp {} "$work/all/" \;
    fi
    nice -n 19 afl-cmin -i "$work/all" -o "$work/min" -t 20000 -m none -- "$(readlink -f "$(command -v dotnet)")" "$build/KvmTune.Fuzz.dll" "$target" >"$work.log" 2>&1 \
        || { tail -n 20 "$work.log" >&2; exit 3; }
    rm -rf "$corpus"; mkdir -p "$corpus"
    n=0
    for f in "$work/min"/*; do
        n=$((n + 1))
        # Stable names: the content's hash, so a re-minimised corpus changes only where the cases do.
        cp "$f" "$corpus/$(sha1sum "$f" | cut -c1-16)"
    done
    cp "$work/crashes"/* "$corpus/" 2>/dev/null || true
    rm -rf "$work"
    echo "fuzz.sh: $target: $n cases and $(find "$corpus" -name 'crash-*' | wc -l) crash inputs in fuzz/corpus/$target ($(du -sh "$corpus" | cut -f1))"
    exit 0
fi

seconds="${1:-1800}"
build_instrumented
mkdir -p "$findings"
start=$(date +%s)
# -t: a case that takes 10 s is a hang (the machine is shared: generous); -V: stop after SECONDS.
nice -n 19 afl-fuzz -i "$corpus" -o "$findings" -t 10000 -m none -V "$seconds" \
    -- "$(readlink -f "$(command -v dotnet)")" "$build/KvmTune.Fuzz.dll" "$target" >"$findings.log" 2>&1 || true
stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
    echo "fuzz.sh: $target: afl-fuzz did not start; see $findings.log" >&2
    tail -n 20 "$findings.log" >&2
    exit 3
fi
value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "fuzz.sh: $target: $(( $(date +%s) - start )) s, $(value execs_done) execs, $(value corpus_count) cases in the queue, $(value saved_crashes) crashes, $(value saved_hangs) hangs (load: $(cut -d' ' -f1-3 /proc/loadavg))"
