#!/usr/bin/env bash
# Ingest as the store fills (issue 11, docs/benchmarks.md "Ingest as the store fills"): `candor serve` on a throwaway
# store (a fresh data folder, or a database in a throwaway PostgreSQL cluster on loopback, as ingest-compare.sh starts
# one) filled over HTTP by `candor loadgen --stream`, which generates the simulated fleet's gzip batches while it sends
# them (event times over the last 10 days). One line per slice of stored events: the range, events/s and the
# collector's resident memory (and, between them, each analytics round's own log line from `candor serve`: its facts,
# projection and round times, so a slice's dip can be tied to the round beside it; the in-process collector of
# --received-days logs none); then the store is counted (stored = accepted, no event id twice; exit 1 otherwise) and
# removed. The last line:
#   scale: first-slice R1 events/s, last-slice R2 events/s (R2/R1 = X), peak RSS M MiB, stored = accepted
# Usage: bench/ingest-scale.sh [--events 50000000] [--store duckdb|postgres] [--ids v7|v4] [--slice 1000000]
#        [--concurrency 8] [--days 10] [--memory-mib M (DuckDB's memory limit; default the collector's 512)]
#        [--received-days R (the store receives the fill over R days, as a fleet of N/R events a day would fill it:
#        the collector then runs in the bench's process, which moves its clock a day forward before each day's N/R
#        events, sent by a load generator of their own whose events happened that day; default 1: every event
#        received today with event times over --days, PostgreSQL's worst case: one day partition holds them all)]
#        [--keep DIR (DuckDB only: move the filled data folder to DIR instead of removing it)]
#        [--pg-setting name=value]... (PostgreSQL only, repeatable: a server setting for the throwaway cluster,
#        e.g. --pg-setting shared_buffers=1GB; the settings the server ran with are printed first, so a figure
#        always says which settings it was taken with. Without any, PostgreSQL's defaults apply.)
#        [--pg-statements] (PostgreSQL only: load pg_stat_statements and print, at the end, the statements that took
#        the server's time, with their share: where PostgreSQL's time goes as the store fills)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 CANDOR_HOME="$root"

store=duckdb
args=()
pg_settings=()
pg_statements=0
input=("$@")
for (( i = 0; i < ${#input[@]}; i++ )); do
  if [[ "${input[$i]}" == "--store" ]]; then store="${input[$((i + 1))]:-}"; fi
  # --pg-setting is the script's own (the bench does not know it): taken out of the bench's arguments.
  if [[ "${input[$i]}" == "--pg-statements" ]]; then pg_statements=1; continue; fi
  if [[ "${input[$i]}" == "--pg-setting" ]]; then
    setting="${input[$((i + 1))]:-}"
    if [[ "$setting" != *=* ]]; then echo "--pg-setting needs name=value" >&2; exit 2; fi
    pg_settings+=("$setting"); i=$((i + 1)); continue
  fi
  args+=("${input[$i]}")
done
if [[ "$store" != "duckdb" && "$store" != "postgres" ]]; then
  echo "usage: bench/ingest-scale.sh [--events N] [--store duckdb|postgres] [--ids v7|v4] [--slice N] [--pg-setting name=value]..." >&2
  exit 2
fi

# Builds the CLI into artifacts/cli when its sources changed (./candor does), and the bench.
./candor catalog compile --out artifacts/dynamics365-clients.catalog.json >/dev/null
dotnet build bench/Candor.Ingest.Bench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null

pg_args=()
if [[ "$store" == "postgres" ]]; then
  pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
  pg_dir="$(mktemp -d /tmp/candor-scale-pg.XXXXXX)"
  pg_port=$(( 20000 + RANDOM % 20000 ))
  as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  # log_checkpoints=on: the checkpoints of the run, and how many the WAL's size forced (max_wal_size reached
  # before checkpoint_timeout), are printed before the throwaway cluster is removed.
  cleanup() {
    # The WAL the run wrote and how much of it was full-page images (written again for a page after each checkpoint):
    # what larger max_wal_size/shared_buffers would save.
    psql -h 127.0.0.1 -p "$pg_port" -U candor -d postgres -Atc \
      "SELECT 'postgres: WAL ' || pg_size_pretty(wal_bytes) || ', ' || wal_records || ' records, ' || wal_fpi || ' full-page images' FROM pg_stat_wal" 2>/dev/null || true
    if [[ $pg_statements -eq 1 ]]; then
      echo "postgres: the statements that took the server's time (share of all, calls, mean ms, the statement's start):"
      psql -h 127.0.0.1 -p "$pg_port" -U candor -d postgres -Atc \
        "SELECT lpad(round((100 * total_exec_time / sum(total_exec_time) OVER ())::numeric, 1) || ' %', 8) || lpad(calls::text, 10) || lpad(round((mean_exec_time)::numeric, 2)::text, 10) || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" 2>/dev/null || true
    fi
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    if [[ -f "$pg_dir/server.log" ]]; then
      echo "postgres: $(grep -c 'checkpoint starting' "$pg_dir/server.log" || true) checkpoints," \
        "$(grep -c 'checkpoint starting: wal' "$pg_dir/server.log" || true) forced by max_wal_size"
    fi
    rm -rf "$pg_dir"
  }
  trap cleanup EXIT
  [[ $(id -u) -eq 0 ]] && chown postgres "$pg_dir"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U candor --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1
  pg_opts="-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=on -c max_connections=200 -c log_checkpoints=on"
  for setting in "${pg_settings[@]}"; do pg_opts+=" -c $setting"; done
  if [[ $pg_statements -eq 1 ]]; then pg_opts+=" -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"; fi
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 -o "$pg_opts" start >/dev/null
  echo "postgres: $("$pg_bin/postgres" --version | awk '{print $3}'), settings:" \
    "$(psql -h 127.0.0.1 -p "$pg_port" -U candor -d postgres -Atc "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'synchronous_commit', 'fsync')")" \
    "${pg_settings[*]:+(set: ${pg_settings[*]})}"
  if [[ $pg_statements -eq 1 ]]; then
    psql -h 127.0.0.1 -p "$pg_port" -U candor -d postgres -qAtc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  fi
  pg_args=(--postgres "Host=127.0.0.1;Port=$pg_port;Username=candor;Database=postgres")
fi

dotnet bench/Candor.Ingest.Bench/bin/Release/net10.0/Candor.Ingest.Bench.dll scale \
  --candor "$root/artifacts/cli/candor.dll" "${pg_args[@]}" "${args[@]}"
