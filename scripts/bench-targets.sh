#!/usr/bin/env bash
# Measures KvmTune's bench targets (issue 3 item 10, issue 12 items 1 and 6) with one run of the default quick matrix:
#   * the quick matrix (qcow2-sparse, qcow2-metadata, raw-prealloc, loop × every valid cache/aio ×
#     randread-4k-qd32 and randwrite-4k-qd32, engines host+qemu) finishes within 5 minutes on a quiet host;
#   * raw-prealloc/none/native randread-4k-qd32: qemu ÷ the storage ceiling ≤ 1.1 (the ceiling is the best of the
#     host engine's submission strategies: a qemu candidate far above it would mean the ceiling measured fio's
#     submission cost, not the storage), and the JSON names the strategy that set the ceiling;
#   * the null-co harness ceiling is at least twice the best qemu candidate (randread-4k-qd32);
#   * the kvmtune process stays under 200 MB RSS (peak VmHWM, sampled).
# The load average before and after is printed: on a busy host the wall time says little about a quiet one.
# Usage: scripts/bench-targets.sh [extra bench options]   (root, for the loop backend)
# KVMTUNE_TARGETS_JSON=FILE keeps a copy of the bench JSON.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
out="$(mktemp -d /tmp/kvmtune-targets-XXXXXX)"
trap 'rm -rf "$out"' EXIT
"$here/kvmtune" version >/dev/null   # build first, outside the timing
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
start=$(date +%s.%N)
dotnet "$here/.kvmtune-build/kvmtune.dll" bench --quick --format json "$@" >"$out/bench.json" 2>"$out/progress.txt" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    if [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ]; then peak=$hwm; fi
    sleep 0.5
done
wait "$pid" || { echo "bench failed:"; tail -5 "$out/progress.txt"; exit 3; }
end=$(date +%s.%N)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${KVMTUNE_TARGETS_JSON:-}" ]; then cp "$out/bench.json" "$KVMTUNE_TARGETS_JSON"; fi
python3 - "$out/bench.json" "$start" "$end" "$peak" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
elapsed = float(sys.argv[3]) - float(sys.argv[2])
peak_mb = int(sys.argv[4]) / 1024
res = doc["results"]
def find(engine, cand, profile):
    return next(r for r in res if r["engine"] == engine and r["candidate"] == cand and r["profile"] == profile)
rr = "randread-4k-qd32"
qemu = find("qemu", "raw-prealloc/none/native", rr)["iops_median"]
ceiling_row = next(c for c in doc["ceilings"] if c["backend"] == "raw-prealloc" and c["profile"] == rr)
host = ceiling_row["iops_median"]
strategy = ceiling_row["strategy"]
ceiling = find("qemu", "null-co", rr)["iops_median"]
best = max(r["iops_median"] for r in res if r["engine"] == "qemu" and r["profile"] == rr and r["skipped"] is None and r["candidate"] != "null-co")
checks = [
    ("quick matrix wall time (s)", elapsed, "<= 300", elapsed <= 300),
    ("raw-prealloc/none/native randread qemu/ceiling", qemu / host, "<= 1.1", qemu / host <= 1.1),
    ("the ceiling names its submission strategy", 1.0 if strategy else 0.0, "named", bool(strategy)),
    ("null-co ceiling / best qemu candidate (randread)", ceiling / best, ">= 2.0", ceiling / best >= 2.0),
    ("peak RSS (MB)", peak_mb, "< 200", peak_mb < 200),
]
print(f"candidates {doc['candidates']}, skipped {doc['skipped_candidates']}, results {len(res)}")
print(f"host raw-prealloc randread {host:.0f} IOPS (ceiling set by {strategy}); qemu raw-prealloc/none/native {qemu:.0f}; null-co {ceiling:.0f}; best qemu {best:.0f}")
for c in doc["ceilings"]:
    print(f"  ceiling {c['backend']} {c['profile']}: {c['iops_median']:.0f} IOPS by {c['strategy']}")
for e in doc["above_ceiling"]:
    print(f"  above its ceiling: {e['candidate']} {e['profile']} {e['ratio']:.2f}x: {e['reason']}")
for name, value, target, ok in checks:
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {value:.2f} (target {target})")
sys.exit(0 if all(c[3] for c in checks) else 1)
PY
