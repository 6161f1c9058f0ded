#!/usr/bin/env bash
# Builds and lints every Bicep file under infra/ with the pinned Bicep CLI, without writing into
# the work tree. Fails on any error, on any compiler warning (BCP...) and on any linter warning
# except use-recent-api-versions (which depends on today's date). `dotnet test` runs the same
# checks (tests/Onboarding.Infrastructure.Tests); this script is for a quick look while editing.
#
# Usage: infra/build.sh            (restores the Bicep CLI through the test project if needed)
set -euo pipefail

BICEP_VERSION=0.49.2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="${BICEP_PATH:-$packages/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep}"

if [ ! -f "$bicep" ]; then
  echo "Restoring the Bicep CLI $BICEP_VERSION (PackageDownload in the infrastructure test project)" >&2
  dotnet restore "$root/tests/Onboarding.Infrastructure.Tests" -nologo -v q >&2
fi
[ -x "$bicep" ] || chmod +x "$bicep"

out="$(mktemp -d "${TMPDIR:-/tmp}/onboarding-bicep.XXXXXX")"
trap 'rm -rf "$out"' EXIT
log="$out/diagnostics.txt"

cd "$here"
status=0
"$bicep" lint --pattern '**/*.bicep*' >>"$log" 2>&1 || status=1
"$bicep" build --pattern '**/*.bicep' --outdir "$out/templates" >>"$log" 2>&1 || status=1
"$bicep" build-params --pattern '**/*.bicepparam' --outdir "$out/parameters" >>"$log" 2>&1 || status=1

sort -u "$log" >&2
if grep -E ' : (Error|Warning) ' "$log" | grep -vq ' : Warning use-recent-api-versions: '; then
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "Bicep build or lint failed" >&2
  exit 1
fi
echo "Bicep build and lint passed ($("$bicep" --version))"
