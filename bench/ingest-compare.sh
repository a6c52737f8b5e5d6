#!/usr/bin/env bash
# The collector's throughput in one run, side by side (docs/benchmarks.md): the in-process limit (parse, validate
# and append through the group commit, no HTTP), `candor serve` over HTTP into DuckDB, and into PostgreSQL (a
# throwaway cluster on loopback, as test.sh starts one), with each server's peak working set, then what each stage
# costs per event. Usage: bench/ingest-compare.sh [--events N] [--concurrency C] [--batch 500]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 CANDOR_HOME="$root"

./candor catalog compile --out artifacts/dynamics365-clients.catalog.json >/dev/null
dotnet build bench/Candor.Ingest.Bench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null

pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
pg_dir="$(mktemp -d /tmp/candor-bench-pg.XXXXXX)"
pg_port=$(( 20000 + RANDOM % 20000 ))
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] && chown postgres "$pg_dir"
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U candor --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=on -c max_connections=200" start >/dev/null

dotnet bench/Candor.Ingest.Bench/bin/Release/net10.0/Candor.Ingest.Bench.dll compare \
  --candor "$root/artifacts/cli/candor.dll" \
  --postgres "Host=127.0.0.1;Port=$pg_port;Username=candor;Database=postgres" "$@"
