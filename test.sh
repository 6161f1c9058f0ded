#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what is missing, starts Azurite, the development
# identity provider and partner service on free loopback ports, runs the .NET and node tests, stops
# what it started, and prints "N passed, N failed, N skipped" last. Exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/dev/services.sh"
cd "$ROOT"

require_tools
trap stop_services EXIT
install_node_packages
install_debian_packages

RESULTS="$ROOT/.artifacts/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
export ONBOARDING_TEST_ARTIFACTS="$ROOT/.artifacts"

AZURITE_PORT=$(free_port); IDP_PORT=$(free_port); PARTNER_PORT=$(free_port); SERVICE_PORT=$(free_port)
GLEWLWYD_PORT=$(free_port)
export_dev_secrets
# Glewlwyd seeds itself for a few seconds: it starts while the build runs.
say "Starting Glewlwyd :$GLEWLWYD_PORT (an independent OpenID provider)"
start_glewlwyd "$GLEWLWYD_PORT" "http://127.0.0.1:$SERVICE_PORT"

say "Building (warnings are errors)"
dotnet build Onboarding.sln -nologo -v q -clp:ErrorsOnly

say "Starting Azurite :$AZURITE_PORT, identity provider :$IDP_PORT, partner :$PARTNER_PORT"
start_azurite "$AZURITE_PORT"
start_idp "$IDP_PORT" "http://127.0.0.1:$SERVICE_PORT"
start_partner "$PARTNER_PORT" "$IDP_PORT"

export ONBOARDING_TEST_STORAGE
ONBOARDING_TEST_STORAGE=$(azurite_connection_string "$AZURITE_PORT")
# The provider is on another site than the service (localhost vs 127.0.0.1), as Check-in always is.
export ONBOARDING_TEST_IDP="http://localhost:$IDP_PORT"
export ONBOARDING_TEST_PARTNER="http://127.0.0.1:$PARTNER_PORT"
export ONBOARDING_TEST_SERVICE_PORT=$SERVICE_PORT
wait_for_glewlwyd
export ONBOARDING_TEST_GLEWLWYD="$GLEWLWYD_ISSUER"

status=0
say "Running .NET tests"
dotnet_status=0
dotnet test --solution Onboarding.sln --no-build --no-progress --output Detailed \
  --results-directory "$RESULTS" --report-xunit-trx || dotnet_status=$?

say "Running node tests of the development services"
node --test --test-reporter=tap dev/ >"$RESULTS/node.tap" 2>&1 || status=1
grep -E '^# (pass|fail|skipped)|^not ok' "$RESULTS/node.tap" >&2 || true

# Sum the TRX counters of every test project, plus node's TAP summary.
read -r passed failed skipped < <(
  { cat "$RESULTS"/*.trx 2>/dev/null | grep -o '<Counters [^>]*' || true; } | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]); c[kv[1]] += kv[2] } }
    END { printf "%d %d %d\n", c["passed"], c["failed"] + c["error"] + c["timeout"] + c["aborted"], c["notExecuted"] }')
node_pass=$(awk '/^# pass/ {print $3}' "$RESULTS/node.tap"); node_fail=$(awk '/^# fail/ {print $3}' "$RESULTS/node.tap")
node_skip=$(awk '/^# skipped/ {print $3}' "$RESULTS/node.tap")
passed=$((passed + ${node_pass:-0})); failed=$((failed + ${node_fail:-0})); skipped=$((skipped + ${node_skip:-0}))

# A run that crashed or could not start reports no failed test: count it as one, never as a pass.
if [ "$dotnet_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $dotnet_status without reporting a failed test" >&2; failed=1
fi
if [ "$passed" -eq 0 ]; then status=1; fi
if [ "$failed" -gt 0 ]; then status=1; fi
stop_services
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
