#!/usr/bin/env bash
# Incremental analytics rounds, before and after a projector change, side by side in one run (docs/benchmarks.md,
# "Incremental rounds"). For each store given (bench stores of different sizes, made by
#   dotnet run -c Release --project bench/Candor.Analytics.Bench -- --events N --data DIR --repeat 1),
# a copy is given R rounds of a minute of N new events by the bench of revision BEFORE (its projector, with this
# tree's bench code), and another copy the same rounds by this tree; the copies are removed afterwards. Prints the
# load average with every run. A round whose cost follows the stored events differs between the stores.
# Usage: bench/analytics-rounds.sh --before REV [--append 100000] [--rounds 12] STORE_DIR...
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
before="" append=100000 rounds=12 stores=()
while (( $# )); do
  case "$1" in
    --before) before="$2"; shift 2 ;;
    --append) append="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    *) stores+=("$1"); shift ;;
  esac
done
if [[ -z "$before" || ${#stores[@]} -eq 0 ]]; then
  echo "usage: bench/analytics-rounds.sh --before REV [--append N] [--rounds R] STORE_DIR..." >&2
  exit 2
fi

work="$(mktemp -d /tmp/candor-rounds.XXXXXX)"
trap 'rm -rf "$work"' EXIT
git archive "$before" | tar -x -C "$work" --one-top-level=before
cp bench/Candor.Analytics.Bench/{AnalyticsBench.cs,BenchSettings.cs,Program.cs} "$work/before/bench/Candor.Analytics.Bench/"
(cd "$work/before" && dotnet build bench/Candor.Analytics.Bench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null)
dotnet build bench/Candor.Analytics.Bench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
dll=bench/Candor.Analytics.Bench/bin/Release/net10.0/Candor.Analytics.Bench.dll

for store in "${stores[@]}"; do
  for side in before after; do
    bin="$root/$dll"
    [[ "$side" == before ]] && bin="$work/before/$dll"
    rm -rf "$work/store" && cp -r "$store" "$work/store"
    echo "== $side, store $store; $(uptime | sed 's/.*load average/load average/')"
    dotnet "$bin" --data "$work/store" --queries-only --append "$append" --rounds "$rounds" --repeat 1 | grep -E '^(Analytics bench|Catch-up|Round|Incremental)'
  done
done
