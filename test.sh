#!/usr/bin/env bash
# The one test command (README): installs what the tests need, starts the services they use on loopback,
# runs every test project and ends with the line "N passed, N failed". Exit code 0 only when all passed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

log() { echo "test.sh: $*" >&2; }

# --- Debian packages the tests need -------------------------------------------------------------------
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
# The console's browser tests drive Debian's chromium (tests/Candor.Console.Tests); Playwright never downloads one.
[[ -x /usr/bin/chromium ]] || need+=(chromium)
# Cluster mode's tests run a real JetStream cluster of Debian's nats-server (tests/Candor.Cluster.Tests).
[[ -x /usr/sbin/nats-server || -x /usr/bin/nats-server ]] || need+=(nats-server)
if (( ${#need[@]} )); then
  if [[ $(id -u) -eq 0 ]]; then
    log "installing ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
      || { log "apt-get install ${need[*]} failed"; exit 1; }
  else
    log "missing ${need[*]} and not root: install them with apt-get"; exit 1
  fi
fi

# --- PostgreSQL on loopback, in a throwaway cluster ---------------------------------------------------
pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")"
pg_dir="$(mktemp -d /tmp/candor-pg.XXXXXX)"
pg_port=$(( 20000 + RANDOM % 20000 ))
pg_pid=""
as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  if [[ -n "$pg_pid" ]]; then as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; fi
  rm -rf "$pg_dir"
}
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] && chown postgres "$pg_dir"
if as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U candor --auth=trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 \
   && as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=on -c max_connections=200" start >/dev/null; then
  pg_pid=started
  export CANDOR_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=candor;Database=postgres"
  log "PostgreSQL on 127.0.0.1:$pg_port"
else
  log "PostgreSQL did not start:"; cat "$pg_dir"/*.log >&2; exit 1
fi

# --- Build once, then run each test project -----------------------------------------------------------
if ! dotnet build Candor.slnx -c Release --nologo -v q -clp:ErrorsOnly; then
  log "build failed"; echo "0 passed, 1 failed"; exit 1
fi

# --- The packages, then the apps built from them ------------------------------------------------------
# The samples and the packaging tests build apps from these packages, in clean folders with a NuGet cache folder
# of their own (tests/Candor.Client.Tests/Packaging); the solution build above never needs them.
rm -rf artifacts/packages
if ! ./candor pack --out artifacts/packages; then
  log "pack failed"; echo "0 passed, 1 failed"; exit 1
fi
export CANDOR_TEST_PACKAGES="$root/artifacts/packages"

passed=0; failed=0; broken=0
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  log "running $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true
  trx="$results/$name.trx"
  if [[ ! -f "$trx" ]]; then
    log "$name produced no results"; broken=$((broken + 1)); continue
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
  t="$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")"
  a="$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
done

failed=$((failed + broken))
echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
