#!/usr/bin/env bash
# A loopback proof of JMeter's distributed mode with TokenCreateSampler: starts two jmeter-server
# engines on 127.0.0.1 (each with its own RMI port, its own embedded fake and its own shared client),
# runs create-tokens.jmx from a non-GUI controller with -R, checks that the results hold samples of
# both engines and no error, and stops the engines. Everything binds to 127.0.0.1 only.
#
#   benchmarks/jmeter-distributed.sh [threads-per-engine [duration-seconds]]   (default 8 and 10)
#
# Uses the JMeter that `-Pjmeter` assembled under benchmarks/target (built here if missing).
# RMI over SSL is switched off for this loopback proof only; README "JMeter" says how to keep it
# on between real machines.
set -euo pipefail
cd "$(dirname "$0")"

threads="${1:-8}"
duration="${2:-10}"
out="target/jmeter-distributed"
# Ceiling for the controller's whole run: start-up, the load, the engines' tear-down.
run_limit=$(( duration + 120 ))

jmeter_home() {
  [[ -f target/config.json ]] || return 1
  local dir
  dir="$(grep -o '"jmeterDirectoryPath":"[^"]*"' target/config.json | head -1 | cut -d'"' -f4)"
  [[ -n "$dir" && -d "$dir/bin" && -f "$dir/lib/ext/dynamic-token-jmeter.jar" ]] || return 1
  echo "$dir"
}

if ! home="$(jmeter_home)"; then
  echo "== assembling JMeter and the sampler jar (mvn -Pjmeter pre-integration-test)"
  ./mvn39.sh -B -q -f pom.xml -Pjmeter pre-integration-test
  home="$(jmeter_home)"
fi
jar="$(cd "$home/bin" && ls ApacheJMeter-*.jar | head -1)"
plan="$PWD/src/test/jmeter/create-tokens.jmx"
# JMeter's own launcher behind one that keeps RMI on 127.0.0.1 (see the file for why).
launcher="$PWD/jmeter/LoopbackJMeter.java"
rm -rf "$out"
mkdir -p "$out"
out="$PWD/$out"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p="$1"
  while ! port_free "$p"; do p=$((p + 1)); done
  echo "$p"
}
port1="$(pick_port 21099)"
port2="$(pick_port $((port1 + 1)))"

pids=()
stop_engines() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap stop_engines EXIT

# java.rmi.server.hostname: the address each side tells the other to call back on; LoopbackJMeter
# binds the RMI sockets there too. The controller's UDP stop/shutdown listener is off
# (jmeterengine.nongui.port=0): `timeout` bounds the run instead.
jvm=(-Xms256m -Xmx512m -Djava.rmi.server.hostname=127.0.0.1)
rmi=(-Jserver.rmi.ssl.disable=true)
n=0
for port in "$port1" "$port2"; do
  n=$((n + 1))
  echo "== engine $n: jmeter-server on 127.0.0.1:$port"
  (cd "$home/bin" && exec java "${jvm[@]}" -cp "$jar" "$launcher" -s "${rmi[@]}" \
      -Jserver_port="$port" -j "$out/engine-$n.log") >"$out/engine-$n.out" 2>&1 &
  pids+=("$!")
done

n=0
for port in "$port1" "$port2"; do
  pid="${pids[$n]}"
  n=$((n + 1))
  for i in $(seq 1 120); do
    if ! port_free "$port"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null || (( i == 120 )); then
      echo "engine $n (port $port) did not start; its output:" >&2
      cat "$out/engine-$n.out" >&2
      exit 1
    fi
    sleep 0.5
  done
done
sleep 1

echo "== controller: -R 127.0.0.1:$port1,127.0.0.1:$port2, $threads threads x ${duration} s per engine"
(cd "$home/bin" && timeout "$run_limit" java "${jvm[@]}" -cp "$jar" "$launcher" -n "${rmi[@]}" \
    -Jjmeterengine.nongui.port=0 \
    -t "$plan" -R "127.0.0.1:$port1,127.0.0.1:$port2" \
    -Gthreads="$threads" -Gduration="$duration" -Grampup=1 \
    -l "$out/results.csv" -j "$out/controller.log" -X) | tee "$out/controller.out"

echo "== results: $out/results.csv"
awk -F, '
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    thread = $col["threadName"]; engine = thread; sub(/-creators .*/, "", engine)
    n[engine]++; if ($col["success"] != "true") err[engine]++
    total++; if ($col["success"] != "true") errors++
  }
  END {
    for (e in n) printf "engine %-22s samples %7d  errors %d\n", e, n[e], err[e] + 0
    printf "total                        samples %7d  errors %d\n", total, errors + 0
    engines = 0; for (e in n) engines++
    if (engines < 2) { print "FAIL: samples from fewer than 2 engines"; exit 1 }
    if (errors > 0) { print "FAIL: failed samples"; exit 1 }
    print "OK: samples from both engines, 0 errors"
  }' "$out/results.csv"
