# Shared by run.sh and test.sh: installs what is missing and starts the development services.
# Source it, then call the functions. Everything started is stopped by stop_services (on EXIT).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR="$ROOT/.dev"
PIDS=()

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_tools() {
  command -v node >/dev/null || die "node is required (Node.js 20 or newer)"
  command -v npm >/dev/null || die "npm is required"
  command -v dotnet >/dev/null || die "the .NET SDK is required (see global.json)"
}

# npm packages from the committed lockfile, only when node_modules is missing or older than it.
install_node_packages() {
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "Installing npm packages from package-lock.json"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) || (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

# Debian packages the tests use, installed only when missing, in one apt-get call (parallel calls
# would fight over dpkg's lock): Chromium for the browser tests (Playwright drives /usr/bin/chromium
# and never downloads a browser), oidc-agent (the EGI community's token tool), and Glewlwyd with the
# tools its start script uses (an independent OpenID provider). As root, or through sudo; the package
# lists are refreshed only when the install fails, as on a fresh machine. apt's output: .dev/apt.log.
install_debian_packages() {
  local wanted=() 
  [ -x /usr/bin/chromium ] || wanted+=(chromium)
  command -v oidc-gen >/dev/null || wanted+=(oidc-agent-cli)
  command -v glewlwyd >/dev/null || wanted+=(glewlwyd)
  local tool; for tool in sqlite3 jq curl openssl; do command -v "$tool" >/dev/null || wanted+=("$tool"); done
  [ ${#wanted[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${wanted[*]}"
  mkdir -p "$STATE_DIR"
  local log="$STATE_DIR/apt.log"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0)
  [ "$(id -u)" -eq 0 ] || apt=(sudo "${apt[@]}")
  "${apt[@]}" install --no-install-recommends "${wanted[@]}" >"$log" 2>&1 || {
    "${apt[@]}" update >>"$log" 2>&1 && "${apt[@]}" install --no-install-recommends "${wanted[@]}" >>"$log" 2>&1
  } || { tail -n 20 "$log" >&2; die "could not install ${wanted[*]} (apt-get; log: $log)"; }
  [ -x /usr/bin/chromium ] || die "the chromium package did not provide /usr/bin/chromium"
}

# A free TCP port on loopback, chosen by the kernel.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

random_secret() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }

# wait_for_port NAME PORT [SECONDS]
wait_for_port() {
  local name=$1 port=$2 seconds=${3:-60}
  for _ in $(seq 1 $((seconds * 10))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$name did not start listening on port $port within ${seconds}s (log: $STATE_DIR/$name.log)"
}

# start NAME COMMAND...: runs in the background with its output in .dev/NAME.log
start() {
  local name=$1; shift
  mkdir -p "$STATE_DIR"
  "$@" >"$STATE_DIR/$name.log" 2>&1 &
  PIDS+=($!)
}

start_azurite() { # PORT
  start azurite "$ROOT/node_modules/.bin/azurite-table" --tableHost 127.0.0.1 --tablePort "$1" \
    --inMemoryPersistence --skipApiVersionCheck --disableProductStyleUrl --silent
  wait_for_port azurite "$1"
}

start_idp() { # PORT SERVICE_BASE_URLS
  IDP_PORT=$1 SERVICE_BASE_URLS=$2 start idp node "$ROOT/dev/idp/server.mjs"
  wait_for_port idp "$1"
}

# start_glewlwyd PORT SERVICE_BASE_URL: Glewlwyd (Debian) seeded from dev/glewlwyd/, in the
# background; wait_for_glewlwyd waits for it and sets GLEWLWYD_ISSUER.
start_glewlwyd() {
  mkdir -p "$STATE_DIR"
  "$ROOT/dev/glewlwyd/start.sh" "$1" "$STATE_DIR/glewlwyd" "$2" >"$STATE_DIR/glewlwyd-start.log" 2>&1 &
  GLEWLWYD_STARTER=$!
}

wait_for_glewlwyd() {
  wait "$GLEWLWYD_STARTER" || { tail -n 30 "$STATE_DIR/glewlwyd-start.log" >&2; die "Glewlwyd did not start (log: $STATE_DIR/glewlwyd-start.log)"; }
  PIDS+=("$(cat "$STATE_DIR/glewlwyd/glewlwyd.pid")")
  GLEWLWYD_ISSUER=$(sed -n 's/^glewlwyd ready //p' "$STATE_DIR/glewlwyd-start.log")
  [ -n "$GLEWLWYD_ISSUER" ] || die "Glewlwyd started but did not say its issuer (log: $STATE_DIR/glewlwyd-start.log)"
}

start_partner() { # PORT IDP_PORT
  PARTNER_PORT=$1 PARTNER_ISSUER="http://localhost:$2/realms/demo" start partner node "$ROOT/dev/partner/server.mjs"
  wait_for_port partner "$1"
}

azurite_connection_string() { # PORT — Azurite's well-known development account, not a secret
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}

stop_services() {
  local pid
  # Glewlwyd may still be starting (a failed build exits early): its starter and pid file too.
  if [ -n "${GLEWLWYD_STARTER:-}" ]; then kill "$GLEWLWYD_STARTER" 2>/dev/null || true; wait "$GLEWLWYD_STARTER" 2>/dev/null || true; fi
  if [ -f "$STATE_DIR/glewlwyd/glewlwyd.pid" ]; then PIDS+=("$(cat "$STATE_DIR/glewlwyd/glewlwyd.pid")"); rm -f "$STATE_DIR/glewlwyd/glewlwyd.pid"; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# Secrets for the development provider's clients: fresh for every run, never written to the repo.
export_dev_secrets() {
  DEMO_CLIENT_SECRET=$(random_secret)
  OTHER_CLIENT_SECRET=$(random_secret)
  PARTNER_CLIENT_SECRET=$(random_secret)
  # Glewlwyd's clients: a base64 secret, so '+', '/' and '=' go through every client authentication.
  GLEWLWYD_CLIENT_SECRET=$(random_secret)
  export DEMO_CLIENT_SECRET OTHER_CLIENT_SECRET PARTNER_CLIENT_SECRET GLEWLWYD_CLIENT_SECRET
  export TenantSecrets__demo=$DEMO_CLIENT_SECRET TenantSecrets__other=$OTHER_CLIENT_SECRET
  export PartnerSecrets__terrascope=$PARTNER_CLIENT_SECRET
  export Privacy__HmacSecret=${Privacy__HmacSecret:-$(random_secret)}
  export Privacy__PurgeSchedule=${Privacy__PurgeSchedule:-"0 0 3 * * *"}
  # olivia (operator of demo) is also the deployment-wide operator in local runs.
  export Reports__OperatorTenant=demo
  export Reports__OperatorEntitlement="urn:mace:egi.eu:group:vo.openeo.cloud:role=operator#aai.egi.eu"
}
