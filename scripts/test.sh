#!/usr/bin/env bash
# Runs every test project and prints one closing line: "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$here"
results="$here/TestResults"
rm -rf "$results"
if ! dotnet build KvmTune.slnx -c Release -nologo -v q 2>&1 | tail -n 30; then :; fi
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    echo "0 passed, 1 failed"
    exit 1
fi
# The fleet tests' services (sshd on 127.0.0.1 and in a network namespace, PostgreSQL 15): idempotent.
if ! scripts/test-services.sh >/dev/null; then
    echo "0 passed, 1 failed"
    exit 1
fi
# The packaging and Ansible tests install the Debian package: build it when the sources are newer than it.
version="$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' Directory.Build.props | head -1)"
deb="$here/artifacts/kvmtune_${version}_amd64.deb"
if [ ! -f "$deb" ] || [ -n "$(find src share docs README.md Directory.Build.props Directory.Packages.props scripts/package.sh \
        scripts/package-docs.sh \( -name bin -o -name obj \) -prune -o -type f -newer "$deb" -print -quit)" ]; then
    if ! scripts/package.sh >/dev/null; then
        echo "0 passed, 1 failed"
        exit 1
    fi
fi
dotnet test KvmTune.slnx -c Release --no-build -nologo --results-directory "$results" \
    --logger "trx" --logger "console;verbosity=minimal" "$@"
status=$?
# Count outcomes from the TRX files: one UnitTestResult per executed test.
passed=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="Passed"' | wc -l)
failed=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="Failed"' | wc -l)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "test.sh: the test runner failed (exit $status) without a failing test" >&2
    failed=1
fi
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "test.sh: no test ran" >&2
    failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
