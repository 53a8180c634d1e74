#!/usr/bin/env bash
# The project's main job: the load driver against the embedded fake API.
# Installs the library into the local Maven repository, builds benchmarks/, runs the driver.
# Driver flags pass through, e.g. ./load-test.sh --requests 50000 --concurrency 256 --fault-rate 0.2
set -euo pipefail
cd "$(dirname "$0")"
# Maven's Jansi console writes a colour reset (ESC[0m) even with -B -q, once per stream at start-up
# and at exit; jansi.noreset stops it, so the output here has no terminal control codes.
export MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true"
mvn -B -q -Dstyle.color=never install -DskipTests -Dspotless.check.skip=true -Dmaven.javadoc.skip=true
mvn -B -q -Dstyle.color=never -f benchmarks/pom.xml package -DskipTests
exec java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver "$@"
