#!/usr/bin/env bash
# Gets an access token from the development identity provider (dev/idp/server.mjs) with oidc-agent,
# by the DEVICE FLOW, as public client `openeo-cli` (no secret), without a browser or a person:
# the device verification is completed here with curl, as the user would in a browser.
#
#   dev/oidc-agent/get-token.sh ISSUER [ACCOUNT]
#     ISSUER   e.g. http://localhost:7080/realms/demo
#     ACCOUNT  a demo account of dev/idp/accounts.json (default: alice)
#   Environment (optional):
#     OIDC_SCOPE  scopes to ask for (default: openid email eduperson_entitlement
#                 eduperson_scoped_affiliation offline_access, as the platform's clients ask)
#     OIDC_CLIENT_ID  default openeo-cli
#
# Prints the access token (from `oidc-token`) on stdout and nothing else; progress and errors go to
# stderr; exits non-zero on any failure. oidc-agent runs in a private temporary directory (its own
# HOME, OIDC_CONFIG_DIR, agent socket, random encryption password) that is removed at the end,
# together with the agent. Needs oidc-agent-cli (dev/oidc-agent/install.sh), curl, sed, grep.
# DEV/TEST ONLY: the provider's /device page and sign-in page are the development provider's.
set -euo pipefail

ISSUER=${1:-}
ACCOUNT=${2:-alice}
CLIENT_ID=${OIDC_CLIENT_ID:-openeo-cli}
SCOPE=${OIDC_SCOPE:-openid email eduperson_entitlement eduperson_scoped_affiliation offline_access}
NAME="dev-$ACCOUNT"

say() { printf 'get-token.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

[ -n "$ISSUER" ] || { echo "usage: $0 ISSUER [ACCOUNT]   (e.g. http://localhost:7080/realms/demo alice)" >&2; exit 2; }
ISSUER=${ISSUER%/}
case "$ACCOUNT" in *[!A-Za-z0-9_-]*|'') die "invalid account name: $ACCOUNT" ;; esac
for tool in oidc-agent oidc-gen oidc-token curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (run dev/oidc-agent/install.sh)"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/oidc-agent-dev.XXXXXX")
# The agent's UNIX socket lives in there: its path must stay under the 108-byte limit.
[ ${#WORK} -le 80 ] || { rm -rf "$WORK"; die "TMPDIR is too long for a UNIX socket path ($WORK); use a shorter TMPDIR"; }
chmod 700 "$WORK"
GEN_PID=
cleanup() {
  local rc=$?
  if [ -n "$GEN_PID" ] && kill -0 "$GEN_PID" 2>/dev/null; then kill "$GEN_PID" 2>/dev/null || true; fi
  if [ -n "${OIDCD_PID:-}" ]; then
    oidc-agent --kill >/dev/null 2>&1 || kill "$OIDCD_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$WORK/gen.log" ]; then
    say "oidc-gen said:"; sed 's/\x1b\[[0-9;]*m//g' "$WORK/gen.log" | grep -v '^\s*$' | head -n 30 >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private oidc-agent: nothing of the caller's agent, accounts or config is read or written.
unset OIDC_SOCK OIDCD_PID OIDC_AT OIDC_EXP OIDC_ISS
export HOME="$WORK" OIDC_CONFIG_DIR="$WORK/config" TMPDIR="$WORK"
mkdir -m 700 "$OIDC_CONFIG_DIR"
OIDC_ENCRYPTION_PW=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
export OIDC_ENCRYPTION_PW

CURL=(curl -sS --fail --max-time 10 -c "$WORK/cookies" -b "$WORK/cookies")
"${CURL[@]}" -o /dev/null "$ISSUER/.well-known/openid-configuration" \
  || die "the provider does not answer discovery at $ISSUER/.well-known/openid-configuration"

agent_env=$(oidc-agent --socket-path="$WORK/agent.sock" --quiet --no-autoreauthenticate) \
  || die "oidc-agent did not start"
eval "$agent_env" >/dev/null
[ -n "${OIDCD_PID:-}" ] && [ -n "${OIDC_SOCK:-}" ] || die "oidc-agent started but told no socket/pid: $agent_env"
export OIDC_SOCK OIDCD_PID
# It prints its socket before its daemon has created it: wait for it (a busy machine needs a moment).
for _ in $(seq 1 50); do [ -S "$OIDC_SOCK" ] && break; sleep 0.1; done
[ -S "$OIDC_SOCK" ] || die "oidc-agent's socket $OIDC_SOCK did not appear within 5 s"

# oidc-gen: pre-registered public client (an EMPTY --client-secret, else it asks for one in a loop
# when stdin is closed), device flow, no browser, no prompts. It asks for redirect URIs even for
# the device flow; a dummy one is given and never used.
oidc-gen "$NAME" --iss="$ISSUER" --client-id="$CLIENT_ID" --client-secret= \
  --redirect-uri=http://localhost:4242 --scope="$SCOPE" --flow=device \
  --no-url-call --prompt=none --pw-env --confirm-default </dev/null >"$WORK/gen.log" 2>&1 &
GEN_PID=$!

# Wait for the verification URI and the user code it prints.
plain() { sed 's/\x1b\[[0-9;]*m//g' "$WORK/gen.log"; }
USER_CODE= VERIFY_URI=
for _ in $(seq 1 150); do
  USER_CODE=$(plain | sed -n 's/.*enter the code: *\([A-Za-z0-9-]*\).*/\1/p' | head -n 1)
  VERIFY_URI=$(plain | grep -A1 'visit:' | grep -o 'https\?://[^ ]*' | head -n 1 || true)
  [ -n "$USER_CODE" ] && [ -n "$VERIFY_URI" ] && break
  kill -0 "$GEN_PID" 2>/dev/null || { wait "$GEN_PID" || true; GEN_PID=; die "oidc-gen ended before showing a user code"; }
  sleep 0.1
done
[ -n "$USER_CODE" ] && [ -n "$VERIFY_URI" ] || die "oidc-gen showed no verification URI and user code within 15 s"
say "device flow: $VERIFY_URI code $USER_CODE, signing in as $ACCOUNT"

# As the user: open the verification page, submit the code (confirmed), sign in on the provider's
# development sign-in page by choosing the account; the automatic consent follows.
page=$("${CURL[@]}" "$VERIFY_URI") || die "cannot open $VERIFY_URI"
xsrf=$(printf '%s' "$page" | sed -n 's/.*name="xsrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$xsrf" ] || die "no user code form at $VERIFY_URI"
action=${VERIFY_URI%%\?*}
interaction=$("${CURL[@]}" -L -o /dev/null -w '%{url_effective}' --data-urlencode "xsrf=$xsrf" \
  --data-urlencode "user_code=$USER_CODE" --data-urlencode confirm=yes "$action") \
  || die "the provider refused the user code $USER_CODE"
case "$interaction" in */interaction/*) ;; *) die "submitting the user code led to $interaction, not to a sign-in" ;; esac
final=$("${CURL[@]}" -L -o "$WORK/done.html" -w '%{url_effective}' --data-urlencode "account=$ACCOUNT" \
  "${interaction%%\?*}/login") || die "signing in as $ACCOUNT failed at $interaction (unknown account?)"
grep -qi 'success' "$WORK/done.html" || die "the device verification did not end in success (at $final)"

# oidc-gen polls the token endpoint (every `interval` seconds, 5 by default) and saves the account.
for _ in $(seq 1 300); do
  kill -0 "$GEN_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$GEN_PID" 2>/dev/null; then die "oidc-gen did not finish within 30 s of the verification"; fi
wait "$GEN_PID" || die "oidc-gen failed"
GEN_PID=
# oidc-gen exits 0 even after an error answer from the provider: judge by what it printed.
plain | grep -q 'Everything setup correctly' || die "oidc-gen did not complete the account configuration"

token=$(oidc-token "$NAME") || die "oidc-token $NAME failed"
[ -n "$token" ] || die "oidc-token returned nothing"
printf '%s\n' "$token"
