#!/usr/bin/env bash
# Runs Maven 3.9 with the given arguments: jmeter-maven-plugin 3.8.0 refuses older Maven, and the
# machines here have 3.8.7. Uses the `mvn` on PATH when it is 3.9 or later; otherwise takes
# org.apache.maven:apache-maven:<version>:tar.gz:bin from Maven Central through that `mvn` (so the
# usual repository settings apply) and unpacks it once into a cache directory.
#
#   benchmarks/mvn39.sh -B -f benchmarks/pom.xml -Pjmeter verify
set -euo pipefail

version="${MAVEN39_VERSION:-3.9.16}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/dynamic-token-client"

current="$(mvn -v 2>/dev/null | sed -n 's/^Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -1 || true)"
major="${current%%.*}"
minor="$(echo "$current" | cut -d. -f2)"
if [[ -n "$current" ]] && { (( major > 3 )) || { (( major == 3 )) && (( minor >= 9 )); }; }; then
  exec mvn "$@"
fi

home="$cache/apache-maven-$version"
if [[ ! -x "$home/bin/mvn" ]]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  echo "mvn39.sh: Maven ${current:-not found} on PATH; fetching Apache Maven $version from Maven Central" >&2
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.apache.maven:apache-maven:$version:tar.gz:bin" -DoutputDirectory="$tmp" >&2
  tar -xzf "$tmp/apache-maven-$version-bin.tar.gz" -C "$tmp"
  rm -rf "$home"
  mv "$tmp/apache-maven-$version" "$home"
fi
exec "$home/bin/mvn" "$@"
