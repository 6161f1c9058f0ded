#!/usr/bin/env bash
# Starts Glewlwyd (Debian package) as an independent OpenID provider for the tests.
# Usage: dev/glewlwyd/start.sh PORT STATE_DIR SERVICE_REDIRECT_BASE
#   env: GLEWLWYD_CLIENT_SECRET (required), GLEWLWYD_ID_TOKEN_ALG (ES256|RS256|PS256, default RS256,
#        for client onboarding-glewlwyd), GLEWLWYD_LOG_LEVEL (default INFO).
# Prints "glewlwyd ready <issuer>"; the PID is in STATE_DIR/glewlwyd.pid (stop it with kill).
# Everything it writes is in STATE_DIR, which is wiped and seeded afresh on every start.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { printf 'glewlwyd start: %s\n' "$*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: $0 PORT STATE_DIR SERVICE_REDIRECT_BASE"
PORT=$1; STATE_DIR=$2; REDIRECT_BASE=${3%/}
[[ $PORT =~ ^[0-9]+$ ]] || die "PORT must be a number"
: "${GLEWLWYD_CLIENT_SECRET:?GLEWLWYD_CLIENT_SECRET must be set}"
ID_TOKEN_ALG=${GLEWLWYD_ID_TOKEN_ALG:-RS256}
LOG_LEVEL=${GLEWLWYD_LOG_LEVEL:-INFO}

mkdir -p "$STATE_DIR"
STATE_DIR=$(cd "$STATE_DIR" && pwd)

# --- Debian packages, only when missing ------------------------------------------------------
missing=()
command -v glewlwyd >/dev/null || missing+=(glewlwyd)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  log="$STATE_DIR/apt.log"
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0)
  [ "$(id -u)" -eq 0 ] || apt=(sudo "${apt[@]}")
  echo "glewlwyd start: installing ${missing[*]} (log: $log)" >&2
  "${apt[@]}" install --no-install-recommends "${missing[@]}" >"$log" 2>&1 || {
    "${apt[@]}" update >>"$log" 2>&1 && "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$log" 2>&1
  } || { tail -n 20 "$log" >&2; die "apt-get install ${missing[*]} failed"; }
fi
command -v node >/dev/null || die "node is required (it converts the generated keys to JWK)"

# --- fresh state ------------------------------------------------------------------------------
if [ -f "$STATE_DIR/glewlwyd.pid" ] && kill -0 "$(cat "$STATE_DIR/glewlwyd.pid")" 2>/dev/null; then
  die "a Glewlwyd from this STATE_DIR is still running (pid $(cat "$STATE_DIR/glewlwyd.pid"))"
fi
rm -rf "$STATE_DIR/keys" "$STATE_DIR/glewlwyd.db" "$STATE_DIR/glewlwyd.log" "$STATE_DIR"/*.cookies
mkdir -p "$STATE_DIR/keys"
chmod 700 "$STATE_DIR/keys"

BASE="http://127.0.0.1:$PORT"
ISSUER="$BASE/api/oidc"
REDIRECT_URI="$REDIRECT_BASE/api/tenants/glewlwyd/callback"

# --- signing keys: one per algorithm, new on every start --------------------------------------
suffix=$(openssl rand -hex 4)
KID_ES256="es256-$suffix"; KID_RS256="rs256-$suffix"; KID_PS256="ps256-$suffix"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$STATE_DIR/keys/es256.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$STATE_DIR/keys/rs256.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$STATE_DIR/keys/ps256.pem" 2>/dev/null
# First key = Glewlwyd's default signing key (RS256, the OIDC default).
JWKS=$(node "$HERE/pem-to-jwks.mjs" \
  "$KID_RS256:RS256:$STATE_DIR/keys/rs256.pem" \
  "$KID_ES256:ES256:$STATE_DIR/keys/es256.pem" \
  "$KID_PS256:PS256:$STATE_DIR/keys/ps256.pem")
case "$ID_TOKEN_ALG" in
  ES256) KID_DEFAULT_CLIENT=$KID_ES256 ;;
  RS256) KID_DEFAULT_CLIENT=$KID_RS256 ;;
  PS256) KID_DEFAULT_CLIENT=$KID_PS256 ;;
  *) die "GLEWLWYD_ID_TOKEN_ALG must be ES256, RS256 or PS256" ;;
esac

# --- config and database ----------------------------------------------------------------------
sed -e "s|@PORT@|$PORT|g" -e "s|@STATE_DIR@|$STATE_DIR|g" -e "s|@LOG_LEVEL@|$LOG_LEVEL|g" \
  "$HERE/glewlwyd.conf.template" >"$STATE_DIR/glewlwyd.conf"

SCHEMA=/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz
[ -f "$SCHEMA" ] || die "schema $SCHEMA not found (package glewlwyd)"
zcat "$SCHEMA" | sqlite3 "$STATE_DIR/glewlwyd.db"
# The database backends store only the properties named in their data-format: add ours.
sqlite3 "$STATE_DIR/glewlwyd.db" <"$HERE/modules.sql"

# --- start ------------------------------------------------------------------------------------
started=$(date +%s.%N)
glewlwyd -c "$STATE_DIR/glewlwyd.conf" >"$STATE_DIR/glewlwyd.out" 2>&1 &
PID=$!
echo "$PID" >"$STATE_DIR/glewlwyd.pid"
fail() { kill "$PID" 2>/dev/null || true; tail -n 30 "$STATE_DIR/glewlwyd.log" "$STATE_DIR/glewlwyd.out" >&2 2>/dev/null || true; die "$*"; }

for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/config" 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || fail "glewlwyd exited during start-up"
  sleep 0.1
done
curl -fsS -o /dev/null "$BASE/config" || fail "glewlwyd did not answer on $BASE within 10 s"

# --- seed through the admin REST API (the packaged admin is admin/password) -------------------
ADMIN_JAR="$STATE_DIR/admin.cookies"
api() { # api JAR METHOD PATH [JSON]
  local jar=$1 method=$2 path=$3 body=${4:-} out code
  out=$(mktemp -p "$STATE_DIR" api.XXXXXX)
  code=$(curl -sS -o "$out" -w '%{http_code}' -b "$jar" -c "$jar" -X "$method" \
    -H 'Content-Type: application/json' ${body:+--data-binary "$body"} "$BASE/api$path") || code=000
  if [ "$code" != 200 ]; then
    echo "glewlwyd start: $method $path -> HTTP $code: $(head -c 500 "$out")" >&2
    rm -f "$out"; return 1
  fi
  rm -f "$out"
}
api "$ADMIN_JAR" POST /auth/ '{"username":"admin","password":"password"}' || fail "admin login failed"

jq -c '.[]' "$HERE/scopes.json" | while read -r s; do api "$ADMIN_JAR" POST /scope/ "$s" || exit 1; done || fail "adding scopes failed"

plugin=$(jq -c --arg iss "$ISSUER" --arg jwks "$JWKS" --arg kid "$KID_RS256" \
  '.parameters.iss=$iss | .parameters["jwks-private"]=$jwks | .parameters["default-kid"]=$kid' "$HERE/oidc-plugin.json")
api "$ADMIN_JAR" POST /mod/plugin/ "$plugin" || fail "adding the OIDC plugin failed"

jq -c '.[]' "$HERE/users.json" | while read -r u; do api "$ADMIN_JAR" POST /user/ "$u" || exit 1; done || fail "adding users failed"

jq -c --arg secret "$GLEWLWYD_CLIENT_SECRET" --arg redirect "$REDIRECT_URI" \
  --arg kdef "$KID_DEFAULT_CLIENT" --arg kes "$KID_ES256" --arg kps "$KID_PS256" '
  .[] | .client_secret=$secret | .redirect_uri=[$redirect]
      | .sign_kid = (if .sign_kid=="@KID_DEFAULT_CLIENT@" then $kdef elif .sign_kid=="@KID_ES256@" then $kes else $kps end)' \
  "$HERE/clients.json" | while read -r c; do api "$ADMIN_JAR" POST /client/ "$c" || exit 1; done || fail "adding clients failed"

# Consent: each user grants the scopes to each client now, so /auth never asks.
# (The grant API takes a space-separated list, although API.md says comma.)
GRANT=$(jq -r '.[0].scope - ["g_profile"] | join(" ")' "$HERE/users.json")
for u in $(jq -r '.[] | "\(.username):\(.password)"' "$HERE/users.json"); do
  jar="$STATE_DIR/$(cut -d: -f1 <<<"$u").cookies"
  api "$jar" POST /auth/ "$(jq -cn --arg u "${u%%:*}" --arg p "${u#*:}" '{username:$u,password:$p}')" || fail "login ${u%%:*} failed"
  for c in $(jq -r '.[].client_id' "$HERE/clients.json"); do
    api "$jar" PUT "/auth/grant/$c" "$(jq -cn --arg s "$GRANT" '{scope:$s}')" || fail "grant for ${u%%:*} to $c failed"
  done
  rm -f "$jar"
done
api "$ADMIN_JAR" DELETE /auth/ || true
rm -f "$ADMIN_JAR"

DISCOVERY="$ISSUER/.well-known/openid-configuration"
got=$(curl -fsS "$DISCOVERY" | jq -r .issuer) || fail "no discovery document at $DISCOVERY"
[ "$got" = "$ISSUER" ] || fail "discovery issuer '$got' is not '$ISSUER'"
printf '%s\n' "$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}')" >"$STATE_DIR/startup-seconds"
echo "glewlwyd ready $ISSUER"
