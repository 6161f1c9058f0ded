#!/usr/bin/env bash
# Proof that a relying party can sign in against Glewlwyd without a browser:
# starts it on a free port, signs in gina (and hugo) through Glewlwyd's own login API with curl,
# exchanges the code (PKCE S256), verifies the ID token and userinfo JWT signatures, then stops it.
# Exits non-zero on any failure. Usage: dev/glewlwyd/smoke.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=$(mktemp -d /tmp/glewlwyd-smoke.XXXXXX)
PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export GLEWLWYD_CLIENT_SECRET=${GLEWLWYD_CLIENT_SECRET:-smoke-$(openssl rand -hex 12)}
REDIRECT_BASE=http://127.0.0.1:5999      # nothing listens there: the code is read from the Location header
REDIRECT_URI="$REDIRECT_BASE/api/tenants/glewlwyd/callback"

stop() {
  local pid
  if [ -f "$STATE_DIR/glewlwyd.pid" ]; then
    pid=$(cat "$STATE_DIR/glewlwyd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [ "${KEEP_STATE:-}" = 1 ]; then echo "state kept in $STATE_DIR"; else rm -rf "$STATE_DIR"; fi
}
trap stop EXIT
die() { echo "SMOKE FAILED: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }
urlenc() { jq -rn --arg v "$1" '$v|@uri'; }
status_of() { curl -sS -o /dev/null -w '%{http_code}' "$@"; }     # status_of CURL_ARGS... -> HTTP status
location_of() { curl -sS -o /dev/null -w '%{redirect_url}' "$@"; } # location_of CURL_ARGS... -> Location, if any
redirect_of() { # redirect_of WHAT CURL_ARGS... -> Location of the 302 that must come
  local what=$1 got; shift
  got=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$@")
  [ "${got%% *}" = 302 ] || die "$what: expected 302, got $got"
  printf '%s\n' "${got#* }"
}
auth_url() { # auth_url REDIRECT_URI EXTRA -> an authorization request of onboarding-glewlwyd for scope openid
  printf '%s\n' "$ISSUER/auth?response_type=code&client_id=onboarding-glewlwyd&redirect_uri=$(urlenc "$1")&scope=openid&state=s&nonce=n$2"
}
qparam() { # qparam URL NAME -> decoded value of the query parameter (fails when absent)
  local query=${1#*\?} pair v
  query=${query%%#*}
  IFS='&' read -ra pairs <<<"$query"
  for pair in "${pairs[@]}"; do
    if [ "${pair%%=*}" = "$2" ]; then
      v=${pair#*=}; v=${v//+/ }; printf '%b\n' "${v//%/\\x}"; return 0
    fi
  done
  return 1
}

step "start (port $PORT)"
t0=$(date +%s.%N)
out=$("$HERE/start.sh" "$PORT" "$STATE_DIR" "$REDIRECT_BASE")
echo "$out"
echo "start-up took $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s (start.sh total)"
ISSUER=${out#glewlwyd ready }
[ "$ISSUER" = "http://127.0.0.1:$PORT/api/oidc" ] || die "unexpected ready line: $out"
BASE="http://127.0.0.1:$PORT"

step "discovery $ISSUER/.well-known/openid-configuration"
D="$STATE_DIR/discovery.json"
curl -fsS "$ISSUER/.well-known/openid-configuration" >"$D"
jq '{issuer, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri,
     token_endpoint_auth_methods_supported, id_token_signing_alg_values_supported,
     userinfo_signing_alg_values_supported, code_challenge_methods_supported, scopes_supported,
     authorization_response_iss_parameter_supported}' "$D"
jq -e --arg i "$ISSUER" '.issuer == $i and .authorization_endpoint == $i+"/auth" and .token_endpoint == $i+"/token"
   and .userinfo_endpoint == $i+"/userinfo" and .jwks_uri == $i+"/jwks"' "$D" >/dev/null || die "discovery endpoints"
jq -e '(.token_endpoint_auth_methods_supported | index("client_secret_basic") and index("client_secret_post"))
   and (.id_token_signing_alg_values_supported | index("ES256") and index("PS256") and index("RS256"))
   and (.userinfo_signing_alg_values_supported | index("ES256"))
   and .code_challenge_methods_supported == ["S256"]' "$D" >/dev/null || die "discovery algorithms/methods"
echo "authorization_response_iss_parameter_supported: $(jq -c '.authorization_response_iss_parameter_supported // "absent"' "$D")"
curl -fsS "$ISSUER/jwks" >"$STATE_DIR/jwks.json"
echo "jwks: $(jq -c '[.keys[] | {kid, alg, kty}]' "$STATE_DIR/jwks.json")"

# sign_in USER PASSWORD CLIENT AUTH(basic|post) EXPECTED_ALG -> leaves tokens in $STATE_DIR/tokens.json
sign_in() {
  local user=$1 pass=$2 client=$3 auth=$4 alg=$5 jar="$STATE_DIR/$1.jar"
  local verifier challenge state nonce q loc callback code
  rm -f "$jar"
  verifier=$(openssl rand -base64 60 | tr -dc 'A-Za-z0-9' | head -c 64)
  challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=')
  state=$(openssl rand -hex 12); nonce=$(openssl rand -hex 12)
  q="response_type=code&client_id=$client&redirect_uri=$(urlenc "$REDIRECT_URI")"
  q+="&scope=$(urlenc "openid email profile eduperson_entitlement eduperson_scoped_affiliation voperson_id")"
  q+="&state=$state&nonce=$nonce&code_challenge=$challenge&code_challenge_method=S256"

  step "$user via $client ($auth, expect $alg)"
  echo "1. GET authorization_endpoint (what the RP redirects the browser to)"
  loc=$(redirect_of authorize -c "$jar" -b "$jar" "$ISSUER/auth?$q")
  echo "   302 -> ${loc%%\?*}?client_id=...&scope=...&callback_url=..."
  callback=$(qparam "$loc" callback_url) || die "no callback_url in login redirect $loc"
  echo "2. POST $BASE/api/auth/ {username, password}  (Glewlwyd's login API)"
  code=$(status_of -c "$jar" -b "$jar" -H 'Content-Type: application/json' \
    --data-binary "$(jq -cn --arg u "$user" --arg p "$pass" '{username:$u,password:$p}')" "$BASE/api/auth/")
  [ "$code" = 200 ] || die "login $user: HTTP $code"
  grep -q GLEWLWYD2_SESSION_ID "$jar" || die "no session cookie"
  echo "   200, cookie GLEWLWYD2_SESSION_ID"
  echo "3. GET callback_url + &g_continue (with the session cookie)"
  loc=$(redirect_of "authorize after login" -c "$jar" -b "$jar" "$callback&g_continue")
  echo "   302 -> $loc"
  [[ $loc == "$REDIRECT_URI?"* ]] || die "not redirected to the client: $loc"
  [ "$(qparam "$loc" state)" = "$state" ] || die "state mismatch"
  [ "$(qparam "$loc" iss)" = "$ISSUER" ] || die "iss at the redirect is not the issuer"
  echo "   state matches, iss=$(qparam "$loc" iss)"
  code=$(qparam "$loc" code) || die "no code: $(qparam "$loc" error || true)"
  echo "4. POST token_endpoint (client_secret_$auth, code_verifier)"
  local args=(-d grant_type=authorization_code --data-urlencode "code=$code" --data-urlencode "redirect_uri=$REDIRECT_URI" -d "code_verifier=$verifier")
  if [ "$auth" = basic ]; then args+=(-u "$client:$GLEWLWYD_CLIENT_SECRET"); else args+=(-d "client_id=$client" --data-urlencode "client_secret=$GLEWLWYD_CLIENT_SECRET"); fi
  code=$(curl -sS -o "$STATE_DIR/tokens.json" -w '%{http_code}' "${args[@]}" "$ISSUER/token")
  [ "$code" = 200 ] || die "token: HTTP $code $(cat "$STATE_DIR/tokens.json")"
  echo "   200, $(jq -c '{token_type, expires_in, scope, has_refresh_token: (.refresh_token != null)}' "$STATE_DIR/tokens.json")"
  echo "5. ID token (signature checked against jwks_uri)"
  node "$HERE/jwt-check.mjs" "$(jq -r .id_token "$STATE_DIR/tokens.json")" "$STATE_DIR/jwks.json" \
    "iss=$ISSUER" "aud=$client" "nonce=$nonce" "alg=$alg" >"$STATE_DIR/id_token.json" || die "ID token check"
  jq -c '.header' "$STATE_DIR/id_token.json"
  jq '.claims' "$STATE_DIR/id_token.json"
  echo "6. GET userinfo_endpoint (Bearer)"
  local at; at=$(jq -r .access_token "$STATE_DIR/tokens.json")
  curl -fsS -H "Authorization: Bearer $at" "$ISSUER/userinfo" >"$STATE_DIR/userinfo.json" || die "userinfo"
  jq -c . "$STATE_DIR/userinfo.json"
  echo "7. GET userinfo_endpoint with Accept: application/jwt"
  curl -fsS -H "Authorization: Bearer $at" -H 'Accept: application/jwt' -D "$STATE_DIR/ui.h" "$ISSUER/userinfo" >"$STATE_DIR/userinfo.jwt" || die "userinfo jwt"
  grep -qi '^content-type: application/jwt' "$STATE_DIR/ui.h" || die "userinfo JWT content type"
  node "$HERE/jwt-check.mjs" "$(cat "$STATE_DIR/userinfo.jwt")" "$STATE_DIR/jwks.json" "iss=$ISSUER" "alg=$alg" \
    | jq -c '{header, claims_iss: .claims.iss, claims_aud: (.claims.aud // "absent"), sub: .claims.sub}' || die "userinfo JWT check"
}

sign_in gina gina-password onboarding-glewlwyd basic RS256
jq -e '.claims.eduperson_entitlement == ["urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu"]
   and .claims.voperson_id == "gina-0001@egi.eu" and .claims.email == "gina@uni-muenster.de"
   and .claims.eduperson_scoped_affiliation == ["member@uni-muenster.de"]' "$STATE_DIR/id_token.json" >/dev/null || die "gina's ID token claims"
jq -e '.eduperson_entitlement == ["urn:mace:egi.eu:group:vo.openeo.cloud:role=early_adopter#aai.egi.eu"] and .voperson_id == "gina-0001@egi.eu"' \
  "$STATE_DIR/userinfo.json" >/dev/null || die "gina's userinfo claims"

sign_in gina gina-password onboarding-glewlwyd-es256 post ES256
sign_in gina gina-password onboarding-glewlwyd-ps256 basic PS256
sign_in hugo hugo-password onboarding-glewlwyd basic RS256
jq -e '(.claims | has("eduperson_entitlement") | not) and .claims.voperson_id == "hugo-0002@egi.eu"' "$STATE_DIR/id_token.json" >/dev/null \
  || die "hugo must have no eduperson_entitlement"
echo "   hugo: no eduperson_entitlement claim"

step "negative checks"
code=$(status_of -H 'Content-Type: application/json' --data-binary '{"username":"gina","password":"wrong"}' "$BASE/api/auth/")
echo "login with a wrong password: HTTP $code"; [ "$code" = 401 ] || die "wrong password not refused with 401"
loc=$(location_of -b "$STATE_DIR/hugo.jar" "$(auth_url "$REDIRECT_URI" "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")")
echo "authorize with a valid session but without g_continue: -> ${loc%%\?*}"
[[ $loc == "$BASE/login.html?"* ]] || die "expected the login page redirect even with a session"
code=$(status_of -u "onboarding-glewlwyd:wrong" -d grant_type=authorization_code -d code=x --data-urlencode "redirect_uri=$REDIRECT_URI" "$ISSUER/token")
echo "token with a wrong client secret: HTTP $code"; [ "$code" = 403 ] || [ "$code" = 401 ] || [ "$code" = 400 ] || die "wrong secret accepted?"
loc=$(location_of -b "$STATE_DIR/hugo.jar" "$(auth_url "$REDIRECT_URI" "&g_continue")")
echo "authorize without code_challenge: -> $loc"
[[ $loc == *error=* ]] || die "PKCE is not enforced"
loc=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "$(auth_url "http://127.0.0.1:5999/evil" "&code_challenge=abc&code_challenge_method=S256&g_continue")")
echo "authorize with an unregistered redirect_uri: $loc"
[[ $loc != *"/evil"* ]] || die "unregistered redirect_uri followed"

echo
echo "SMOKE OK: issuer $ISSUER; ID tokens RS256, ES256 (client_secret_post), PS256 verified; userinfo JSON and JWT"
