#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs CreateTokenBenchmark with -prof gc, -prof comp
# and the CPU profiler, writing JSON to benchmarks/results/ and printing a summary table.
#
#   benchmarks/run-benchmarks.sh [quick|full] [benchmark regex] [extra JMH args]
#
# A -wi, -w, -i, -r or -f among the extra args replaces the profile's (JMH refuses an option given
# twice), e.g. "run-benchmarks.sh quick -f 3" is the quick profile with 3 forks.
#
# quick: 4 warmups of 5 s + 3 measurements of 2 s, 1 fork (about 9 minutes on 2 cores). On 2 cores
#        the JIT needs 15-20 s under this load before it stops compiling, so shorter warm-ups
#        measure the compiler; the table's "JIT ms/s measured" column shows whether they did.
# full:  5 warmups of 5 s + 5 measurements of 5 s, 2 forks (about 35 minutes)
# The client library must be installed first: cd .. && mvn -B -q install -DskipTests
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
profile="${1:-quick}"
shift || true

case "$profile" in
  quick) jmh_opts=(-wi 4 -w 5s -i 3 -r 2s -f 1) ;;
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

given=" $* "
opts=()
for ((k = 0; k < ${#jmh_opts[@]}; k += 2)); do
  if [[ "$given" != *" ${jmh_opts[k]} "* ]]; then
    opts+=("${jmh_opts[k]}" "${jmh_opts[k + 1]}")
  fi
done

java -jar "$here/target/benchmarks.jar" "$pattern" "${opts[@]}" \
  -prof gc -prof comp -prof dev.dyntokens.bench.CpuProfiler \
  -rf json -rff "$out" "$@"

cp "$out" "$here/results/latest-$profile.json"
python3 "$here/print-table.py" "$out" | tee "${out%.json}.md"
