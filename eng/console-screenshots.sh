#!/usr/bin/env bash
# Refreshes the web console's screenshots in docs/console/ (docs/console.md, "Tests and screenshots"): runs the
# console's browser tests, which start a real collector fed by the simulated fleet (as ./candor demo does, smaller),
# drive Debian's chromium over every page and write artifacts/console/*.png, then copies those into docs/console/.
# The PostgreSQL variant of the tests is left out (it needs CANDOR_TEST_POSTGRES and draws the same pages).
# Usage: eng/console-screenshots.sh            (from anywhere in the repository)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ ! -x /usr/bin/chromium ]]; then
  echo "console-screenshots: needs Debian's chromium at /usr/bin/chromium (sudo apt-get install chromium)" >&2
  exit 2
fi

rm -rf artifacts/console
dotnet build tests/Candor.Console.Tests -c Release -v q -clp:ErrorsOnly
if ! dotnet test tests/Candor.Console.Tests -c Release --no-build --filter "FullyQualifiedName!~Postgres"; then
  echo "console-screenshots: some console tests failed; the screenshots of those that ran are copied anyway" >&2
fi

shopt -s nullglob
shots=(artifacts/console/*.png)
if (( ${#shots[@]} == 0 )); then
  echo "console-screenshots: the tests wrote no screenshot to artifacts/console/" >&2
  exit 1
fi

mkdir -p docs/console
cp "${shots[@]}" docs/console/
echo "console-screenshots: ${#shots[@]} screenshots copied to docs/console/:"
ls docs/console
