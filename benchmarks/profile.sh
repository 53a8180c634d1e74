#!/usr/bin/env bash
# Profiles one benchmark with async-profiler (from Maven Central: tools.profiler:async-profiler,
# which bundles the native library), writing collapsed stacks or a flame graph per benchmark under
# benchmarks/target/profiles/. The CPU mode is itimer: it needs no perf_events permission.
#
#   benchmarks/profile.sh 'N128\.client$'              # CPU, flame graph (HTML)
#   benchmarks/profile.sh 'N128\.rawFloor$' alloc       # allocations by stack
#   benchmarks/profile.sh 'N128\.client$' itimer collapsed   # text, for diffing two runs
#
# The client library and benchmarks.jar must be built first (see run-benchmarks.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
pattern="${1:?usage: $0 BENCHMARK_REGEX [itimer|alloc|wall] [flamegraph|collapsed]}"
event="${2:-itimer}"
output="${3:-flamegraph}"
version=4.1
lib="$here/target/async-profiler/linux-x64/libasyncProfiler.so"

if [ ! -f "$lib" ]; then
  (cd "$here" && mvn -B -q dependency:copy \
    -Dartifact="tools.profiler:async-profiler:$version" \
    -DoutputDirectory="$here/target/async-profiler")
  (cd "$here/target/async-profiler" && unzip -q -o "async-profiler-$version.jar" 'linux-x64/*')
fi

java -jar "$here/target/benchmarks.jar" "$pattern" -wi 2 -w 5s -i 2 -r 5s -f 1 \
  -prof "async:libPath=$lib;event=$event;output=$output;threads=true;dir=$here/target/profiles"
