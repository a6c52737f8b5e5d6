#!/usr/bin/env bash
# Cluster mode under faults, on loopback (docs/benchmarks.md, docs/operations.md "Cluster"): a throwaway PostgreSQL,
# a 3-node JetStream cluster of Debian's nats-server (installed when missing), 3 collectors (`candor serve --log`)
# and 2 loaders (`candor load`). Runs of the load generator:
#   1. one collector, then two, no faults (throughputs T1, T2);
#   2. the three collectors, no faults (throughput T);
#   3. the three collectors in rounds while, one after the other, a collector is killed with SIGKILL, a NATS node is
#      killed, and PostgreSQL is stopped for 30 s and started again; then the backlog drains and the run is counted.
# The line before the last: the throughputs with 1, 2 and 3 collectors and the CPU per event of each tier
# (collectors, NATS, loaders, PostgreSQL: user+system time from /proc/PID/stat during the 3-collector run, until its
# events are stored, over its events). The last line: cluster: acknowledged A, stored S, duplicates D, lost L, throughput T events/s with 3 collectors (1 collector: T1)
# where A is what the collectors acknowledged in run 3 (accepted + duplicates of 200 answers), S the distinct events
# of run 3 in PostgreSQL, D the rows stored more than once, and L the acknowledged events that are not stored.
# Usage: bench/cluster.sh [--events N (per run and per round, default 100000)] [--concurrency C (default 12)]
#                         [--outage SECONDS (default 30)]
# Every process it starts is stopped by its PID when it exits, however it exits.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 CANDOR_HOME="$root"

events=100000 concurrency=12 outage=30
while (( $# )); do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --outage) outage="$2"; shift 2 ;;
    *) echo "usage: bench/cluster.sh [--events N] [--concurrency C] [--outage SECONDS]" >&2; exit 2 ;;
  esac
done

say() { echo "cluster.sh: $*" >&2; }

# --- What it needs ------------------------------------------------------------------------------------------------
nats_bin="$(command -v nats-server || true)"
[[ -z "$nats_bin" && -x /usr/sbin/nats-server ]] && nats_bin=/usr/sbin/nats-server
if [[ -z "$nats_bin" ]]; then
  [[ $(id -u) -eq 0 ]] || { say "nats-server is missing: apt-get install nats-server"; exit 1; }
  say "installing nats-server"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  nats_bin="$(command -v nats-server || echo /usr/sbin/nats-server)"
fi
./candor --help >/dev/null   # builds the CLI when a source changed
cli=(dotnet "$root/artifacts/cli/candor.dll")

work="$(mktemp -d /tmp/candor-cluster.XXXXXX)"
chmod 755 "$work"   # mktemp's 700 would keep the postgres user out of its data folder
pids=()
pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  # The processes this script started, by PID, and their own children (a load round's loadgen).
  for pid in "${pids[@]}"; do pkill -9 -P "$pid" 2>/dev/null || true; kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true   # reaps them quietly (no "Killed" lines)
  as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# --- PostgreSQL ---------------------------------------------------------------------------------------------------
mkdir -p "$work/pg"; [[ $(id -u) -eq 0 ]] && chown postgres "$work/pg"
pg_port="$(port)"
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U candor --auth=trust -E UTF8 >"$work/pg/initdb.log" 2>&1 \
  || { say "initdb failed:"; cat "$work/pg/initdb.log" >&2; exit 1; }
pg_start() {
  as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $pg_port -k $work/pg -c fsync=on -c max_connections=200" start >/dev/null
}
pg_start
as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U candor -d postgres -qc "CREATE DATABASE candor" >/dev/null
store="postgres://candor@127.0.0.1:$pg_port/candor"
psql_q() { as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U candor -d candor -tAqc "$1"; }

# --- A 3-node JetStream cluster -------------------------------------------------------------------------------------
nats_ports=() route_ports=() nats_pids=()
for i in 0 1 2; do nats_ports+=("$(port)"); route_ports+=("$(port)"); done
routes="$(printf '"nats-route://127.0.0.1:%s", ' "${route_ports[@]}")"; routes="${routes%, }"
for i in 0 1 2; do
  mkdir -p "$work/nats/n$i"
  cat >"$work/nats/n$i.conf" <<CONF
server_name: "n$i"
listen: "127.0.0.1:${nats_ports[$i]}"
log_file: "$work/nats/n$i.log"
jetstream { store_dir: "$work/nats/n$i", max_memory_store: 268435456, max_file_store: 107374182400 }
cluster { name: "candor-bench", listen: "127.0.0.1:${route_ports[$i]}", routes: [$routes] }
CONF
  "$nats_bin" -c "$work/nats/n$i.conf" & nats_pids+=($!); pids+=($!)
done
log_urls="$(printf 'nats://127.0.0.1:%s,' "${nats_ports[@]}")"; log_urls="${log_urls%,}"

# --- The tenants (the store is migrated by the first) ---------------------------------------------------------------
tenant() { "${cli[@]}" tenant create "$1" --store "$store" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["tenantId"], d["ingestionKey"])'; }
read -r t1_id t1_key < <(tenant bench-one)
read -r t2_id t2_key < <(tenant bench-two)
read -r t3_id t3_key < <(tenant bench-three)
read -r tf_id tf_key < <(tenant bench-faults)

# --- 3 collectors and 2 loaders -------------------------------------------------------------------------------------
collector_ports=() collector_pids=()
for i in 0 1 2; do
  collector_ports+=("$(port)")
  "${cli[@]}" serve --store "$store" --log "$log_urls" --urls "http://127.0.0.1:${collector_ports[$i]}" \
    >"$work/collector$i.log" 2>&1 & collector_pids+=($!); pids+=($!)
done
loader_pids=()
for i in 0 1; do
  "${cli[@]}" load --store "$store" --log "$log_urls" >"$work/loader$i.log" 2>&1 & loader_pids+=($!); pids+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:${collector_ports[$i]}/readyz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${collector_ports[$i]}/readyz" >/dev/null || { say "collector $i did not start:"; cat "$work/collector$i.log" >&2; exit 1; }
done
urls="$(printf 'http://127.0.0.1:%s,' "${collector_ports[@]}")"; urls="${urls%,}"
say "PostgreSQL on $pg_port, NATS on ${nats_ports[*]}, collectors on ${collector_ports[*]}, 2 loaders"

loadgen() { # url key seed -> JSON report
  "${cli[@]}" loadgen --url "$1" --key "$2" --seed "$3" --events "$events" --concurrency "$concurrency" \
    --retries 200 --time-limit 1800 --json 2>>"$work/loadgen.err" || true
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
tck="$(getconf CLK_TCK)"
cpu() { # pids -> user+system clock ticks so far (a process gone counts 0)
  local total=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
cpu_pg() { # the PostgreSQL server's user+system clock ticks: the postmaster, its live backends, and those that exited
  local pm total=0 pid
  pm="$(head -n 1 "$work/pg/data/postmaster.pid" 2>/dev/null || true)"
  [[ -n "$pm" && -r /proc/$pm/stat ]] || { echo 0; return; }
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  for pid in $(pgrep -P "$pm"); do
    [[ -r /proc/$pid/stat ]] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
distinct() { psql_q "SELECT count(DISTINCT event_id) FROM events WHERE tenant_id = '$1'" 2>/dev/null || echo -1; }
drain() { # tenant expected -> the distinct count once it reaches expected or stops moving for 30 s
  local last=-1 stable=0 n
  for _ in $(seq 1 900); do
    n="$(distinct "$1")"
    if [[ "$n" == "$last" ]]; then stable=$((stable + 1)); else stable=0; fi
    last="$n"
    (( n >= $2 && stable >= 3 )) && break
    (( stable >= 30 )) && break
    sleep 1
  done
  echo "$last"
}

# --- 1. One collector; 2. three collectors -------------------------------------------------------------------------
r1="$(loadgen "http://127.0.0.1:${collector_ports[0]}" "$t1_key" 11)"
t1="$(field '["eventsPerSecond"]' <<<"$r1")"
say "1 collector: $t1 events/s"
r2="$(loadgen "http://127.0.0.1:${collector_ports[0]},http://127.0.0.1:${collector_ports[1]}" "$t2_key" 12)"
t2="$(field '["eventsPerSecond"]' <<<"$r2")"
say "2 collectors: $t2 events/s"
drain "$t2_id" "$(field '["accepted"]' <<<"$r2")" >/dev/null
cpu0_c="$(cpu "${collector_pids[@]}")" cpu0_l="$(cpu "${loader_pids[@]}")" cpu0_n="$(cpu "${nats_pids[@]}")" cpu0_p="$(cpu_pg)"
r3="$(loadgen "$urls" "$t3_key" 13)"
t3="$(field '["eventsPerSecond"]' <<<"$r3")"
a3="$(field '["accepted"]' <<<"$r3")"
say "3 collectors: $t3 events/s"
drain "$t3_id" "$a3" >/dev/null
cpu1_c="$(cpu "${collector_pids[@]}")" cpu1_l="$(cpu "${loader_pids[@]}")" cpu1_n="$(cpu "${nats_pids[@]}")" cpu1_p="$(cpu_pg)"
per_event() { python3 -c "import sys; print(f'{($2 - $1) / $tck / max($a3, 1) * 1e6:.1f}')"; }
# CPU time (user + system, /proc/PID/stat) of each tier from the start of the 3-collector run until its events are
# all in PostgreSQL, divided by the events: on loopback every tier shares the same cores.
cpu_line="CPU per event (3-collector run, until stored): collectors $(per_event "$cpu0_c" "$cpu1_c") us, NATS $(per_event "$cpu0_n" "$cpu1_n") us, loaders $(per_event "$cpu0_l" "$cpu1_l") us, PostgreSQL $(per_event "$cpu0_p" "$cpu1_p") us"
say "$cpu_line"

# --- 3. Faults during rounds of load ------------------------------------------------------------------------------
stop="$work/stop-load"
(
  seed=100
  while [[ ! -e "$stop" ]]; do
    seed=$((seed + 1))
    loadgen "$urls" "$tf_key" "$seed" >"$work/round-$seed.json"
  done
) & rounds_pid=$!; pids+=($rounds_pid)
sleep 5
say "SIGKILL collector 2 (pid ${collector_pids[2]})"; kill -9 "${collector_pids[2]}"; wait "${collector_pids[2]}" 2>/dev/null || true
sleep 5
say "SIGKILL NATS node 2 (pid ${nats_pids[2]})"; kill -9 "${nats_pids[2]}"; wait "${nats_pids[2]}" 2>/dev/null || true
sleep 5
say "stopping PostgreSQL for $outage s"
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null
sleep "$outage"
pg_start
say "PostgreSQL is back"
sleep 5
touch "$stop"
wait "$rounds_pid" || true

acknowledged=0 failed=0
for f in "$work"/round-*.json; do
  [[ -s "$f" ]] || continue
  read -r a b < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["accepted"]+d["duplicates"], d["batchesFailed"])' "$f")
  acknowledged=$((acknowledged + a)); failed=$((failed + b))
done

# Drain: the loaders empty the log into PostgreSQL; counted when every acknowledged event is there or the count
# stops moving.
say "waiting for the backlog to drain"
drain "$tf_id" "$acknowledged" >/dev/null
rows="$(psql_q "SELECT count(*) FROM events WHERE tenant_id = '$tf_id'")"
stored="$(distinct "$tf_id")"
duplicates=$((rows - stored))
lost=$((acknowledged > stored ? acknowledged - stored : 0))
(( failed > 0 )) && say "$failed batch(es) of run 3 were never acknowledged (not counted in A; any of their events stored count in S)"
echo "cluster: throughput 1 collector $t1, 2 collectors $t2, 3 collectors $t3 events/s; $cpu_line"
echo "cluster: acknowledged $acknowledged, stored $stored, duplicates $duplicates, lost $lost, throughput $t3 events/s with 3 collectors (1 collector: $t1)"
