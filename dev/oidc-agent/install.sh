#!/usr/bin/env bash
# Installs oidc-agent's command-line tools (Debian package oidc-agent-cli: oidc-agent, oidc-gen,
# oidc-token, oidc-add) and curl when missing. Non-interactive; as root or through sudo. The package
# lists are refreshed only when the install fails, as on a fresh machine. Output of apt goes to a log
# whose tail is shown on failure. Exits 0 when the tools are there.
set -euo pipefail

missing=()
for tool in oidc-agent oidc-gen oidc-token; do command -v "$tool" >/dev/null || { missing+=(oidc-agent-cli); break; }; done
command -v curl >/dev/null || missing+=(curl)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install.sh: installing ${missing[*]} (Debian packages)" >&2
log=$(mktemp "${TMPDIR:-/tmp}/oidc-agent-apt.XXXXXX.log")
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0)
[ "$(id -u)" -eq 0 ] || apt=(sudo -n "${apt[@]}")
"${apt[@]}" install --no-install-recommends "${missing[@]}" >"$log" 2>&1 || {
  "${apt[@]}" update >>"$log" 2>&1 && "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$log" 2>&1
} || { tail -n 20 "$log" >&2; echo "install.sh: error: could not install ${missing[*]} (log: $log)" >&2; exit 1; }
for tool in oidc-agent oidc-gen oidc-token curl; do
  command -v "$tool" >/dev/null || { echo "install.sh: error: $tool is still missing after the install" >&2; exit 1; }
done
rm -f "$log"
