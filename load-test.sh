#!/usr/bin/env bash
# The project's main job: the load driver against the embedded fake API.
# Installs the library into the local Maven repository, builds benchmarks/, runs the driver.
# Driver flags pass through, e.g. ./load-test.sh --requests 50000 --concurrency 256 --fault-rate 0.2
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q install -DskipTests -Dspotless.check.skip=true -Dmaven.javadoc.skip=true
mvn -B -q -f benchmarks/pom.xml package -DskipTests
exec java -cp benchmarks/target/benchmarks.jar dev.dyntokens.bench.LoadDriver "$@"
