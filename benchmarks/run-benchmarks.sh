#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs CreateTokenBenchmark with -prof gc and the
# CPU profiler, writing JSON to benchmarks/results/ and printing a summary table.
#
#   benchmarks/run-benchmarks.sh [quick|full] [extra JMH args, e.g. a benchmark regex]
#
# quick: 2 warmups of 5 s + 3 measurements of 2 s, 1 fork (about 7 minutes on 2 cores). The
#        warm-ups are 5 s, not 2 s: on 2 busy cores the Reactor/Jackson paths were still speeding
#        up after 4 s of warm-up (throughput rose every iteration), which made 2 s warm-ups useless.
# full:  5 warmups of 5 s + 5 measurements of 5 s, 2 forks (about 35 minutes)
# The client library must be installed first: cd .. && mvn -B -q install -DskipTests
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
profile="${1:-quick}"
shift || true

case "$profile" in
  quick) jmh_opts=(-wi 2 -w 5s -i 3 -r 2s -f 1) ;;
  full) jmh_opts=(-wi 5 -w 5s -i 5 -r 5s -f 2) ;;
  *) echo "usage: $0 [quick|full] [JMH args...]" >&2; exit 2 ;;
esac

(cd "$here" && mvn -B -q package)

mkdir -p "$here/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$here/results/create-token-$profile-$stamp.json"
pattern="CreateTokenBenchmark"
if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
  pattern="$1"
  shift
fi

java -jar "$here/target/benchmarks.jar" "$pattern" "${jmh_opts[@]}" \
  -prof gc -prof dev.dyntokens.bench.CpuProfiler \
  -rf json -rff "$out" "$@"

cp "$out" "$here/results/latest-$profile.json"
python3 "$here/print-table.py" "$out" | tee "${out%.json}.md"
