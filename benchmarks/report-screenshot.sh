#!/usr/bin/env bash
# Renders the load driver's HTML report in headless Chromium and saves a PNG, to check the report
# the way a reader sees it. Skips (exit 0) when chromium is not installed
# (Debian: apt-get install chromium).
#   benchmarks/report-screenshot.sh [OUT.png] [driver flags...]
# Default: a 20,000-call run with 10% faults, the PNG at /tmp/load-report.png.
# Needs benchmarks/target/benchmarks.jar (./load-test.sh or mvn -f benchmarks/pom.xml package).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-/tmp/load-report.png}"
[ $# -gt 0 ] && shift
browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$browser" ]; then
  echo "report-screenshot: no chromium on PATH, skipped" >&2
  exit 0
fi
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  echo "report-screenshot: $jar missing; run ./load-test.sh or mvn -B -f benchmarks/pom.xml package first" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
  set -- --requests 20000 --fault-rate 0.1
fi
java -cp "$jar" dev.dyntokens.bench.LoadDriver "$@" --html "$work/report.html" >/dev/null 2>"$work/driver.log" \
  || { status=$?; [ "$status" -eq 1 ] || { cat "$work/driver.log" >&2; exit "$status"; }; }
# No network, no profile, no first-run work: the report must render from the file alone.
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile" \
  --hide-scrollbars --screenshot="$out" --window-size=1400,2000 "file://$work/report.html" \
  >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log" >&2; exit 1; }
echo "report-screenshot: wrote $out ($(wc -c <"$out") bytes)" >&2
