#!/usr/bin/env bash
# Benchmark of the sign-in service at 1k and 100k stored users (bench/Onboarding.Benchmarks): starts
# its own Azurite, development identity provider and partner on free loopback ports (as test.sh does),
# builds and runs the benchmark in Release, hosts the service in-process, prints one markdown table and
# writes it to bench/RESULTS.md. Stops what it started. About 5-7 minutes on 2 cores. Not part of test.sh.
set -euo pipefail
source "$(dirname "$0")/dev/services.sh"
cd "$ROOT"
BENCH_STARTED=$(date +%s)
export BENCH_STARTED

require_tools
trap stop_services EXIT
install_node_packages
# install_debian_packages is not needed: the benchmark uses no browser, Glewlwyd or oidc-agent.

AZURITE_PORT=$(free_port); IDP_PORT=$(free_port); PARTNER_PORT=$(free_port)
SMALL_PORT=$(free_port); LARGE_PORT=$(free_port)
export_dev_secrets

say "Building the benchmark (Release, warnings are errors)"
dotnet build bench/Onboarding.Benchmarks -c Release -nologo -v q -clp:ErrorsOnly

say "Starting Azurite :$AZURITE_PORT, identity provider :$IDP_PORT, partner :$PARTNER_PORT"
start_azurite "$AZURITE_PORT"
# Two service hosts (1k and 100k users), each on its own port: the provider accepts both callbacks.
start_idp "$IDP_PORT" "http://127.0.0.1:$SMALL_PORT,http://127.0.0.1:$LARGE_PORT"
start_partner "$PARTNER_PORT" "$IDP_PORT"

export BENCH_STORAGE BENCH_IDP="http://localhost:$IDP_PORT" BENCH_PARTNER="http://127.0.0.1:$PARTNER_PORT"
BENCH_STORAGE=$(azurite_connection_string "$AZURITE_PORT")
export BENCH_PORTS="$SMALL_PORT,$LARGE_PORT"

say "Running the benchmark (progress on stderr, the table on stdout and in bench/RESULTS.md)"
dotnet bench/Onboarding.Benchmarks/bin/Release/net10.0/Onboarding.Benchmarks.dll \
  --results bench/RESULTS.md --command "./bench.sh" "$@"
stop_services
say "Done in $(($(date +%s) - BENCH_STARTED)) s"
