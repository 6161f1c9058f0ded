#!/usr/bin/env bash
# Runs the service locally: Azurite, the development identity provider and partner service, and the
# local function host at http://127.0.0.1:7071 with the demo tenants. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/dev/services.sh"
cd "$ROOT"

# Each port can be moved with its variable, e.g. IDP_PORT=7180 ./run.sh; dev/get-token.mjs follows.
SERVICE_PORT=${SERVICE_PORT:-7071}
SERVICE_URL=http://127.0.0.1:$SERVICE_PORT
AZURITE_PORT=${AZURITE_PORT:-10002}
IDP_PORT=${IDP_PORT:-7080}
PARTNER_PORT=${PARTNER_PORT:-7090}

require_tools
trap stop_services EXIT
trap 'exit 130' INT TERM

install_node_packages
say "Restoring and building"
dotnet build functions/Onboarding.LocalHost -c Release -nologo -v q -clp:ErrorsOnly

export_dev_secrets
# dev/tenants.json names the provider and partner at their usual ports: a copy names the ports of this run.
mkdir -p "$STATE_DIR"
sed -e "s#localhost:7080#localhost:$IDP_PORT#g" -e "s#127.0.0.1:7090#127.0.0.1:$PARTNER_PORT#g" \
  "$ROOT/dev/tenants.json" >"$STATE_DIR/tenants.json"
# Where dev/get-token.mjs finds this run's provider.
echo "http://localhost:$IDP_PORT" >"$STATE_DIR/idp-url"
say "Starting Azurite (tables, in memory) on $AZURITE_PORT"
start_azurite "$AZURITE_PORT"
say "Starting the development identity provider on $IDP_PORT"
start_idp "$IDP_PORT" "$SERVICE_URL"
say "Starting the development partner service on $PARTNER_PORT"
start_partner "$PARTNER_PORT" "$IDP_PORT"

export Onboarding__PublicBaseUrl=$SERVICE_URL
export Onboarding__TenantsFile="$STATE_DIR/tenants.json"
export Storage__ConnectionString
Storage__ConnectionString=$(azurite_connection_string "$AZURITE_PORT")
export ASPNETCORE_URLS=$SERVICE_URL
# A local run: the host says "Development" (in Azure it is Production).
export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development

cat >&2 <<TXT

  The service is starting at $SERVICE_URL
    sign in (browser):   $SERVICE_URL/api/tenants/demo/login
    as a demo user:      $SERVICE_URL/api/tenants/demo/login?login_hint=alice   (alice, bob, dave, carol, olivia)
    from a script:       curl -sSL -c jar -b jar -H 'Accept: application/json' '$SERVICE_URL/api/tenants/demo/login?login_hint=alice'
    a user's token:      node dev/get-token.mjs alice
  Logs of the other services are in .dev/. Press Ctrl-C to stop everything.

TXT
dotnet functions/Onboarding.LocalHost/bin/Release/net10.0/Onboarding.LocalHost.dll &
PIDS+=($!)
wait "${PIDS[-1]}"
