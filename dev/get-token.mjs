// Get an access token from the development identity provider (dev/idp/server.mjs) for a demo account,
// the way the openEO CLI client would: authorization code + PKCE (S256) as public client `openeo-cli`.
//
//   node dev/get-token.mjs <account> [realm] [provider] [--json]
//
//   account   a demo account of dev/idp/accounts.json: alice, bob, dave, carol, olivia
//   realm     the provider's realm, which is the tenant's issuer: demo (default) or other
//   provider  the provider's base URL; by default $IDP_URL, else http://localhost:$IDP_PORT, else the
//             one ./run.sh last started (.dev/idp-url, which follows its IDP_PORT), else http://localhost:7080
//   --json    print the whole token response (access, ID and refresh token) instead of the access token
//
// Prints only the access token (or, with --json, the whole token response as JSON).
// The IdP signs the account in automatically through login_hint; the redirect to
// http://127.0.0.1/dev-cli/callback is never followed, the code is taken from its Location.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const CLIENT_ID = 'openeo-cli';
const REDIRECT_URI = 'http://127.0.0.1/dev-cli/callback';
const SCOPE = 'openid email eduperson_entitlement eduperson_scoped_affiliation voperson_id profile';

const args = process.argv.slice(2);
const json = args.includes('--json');
const runProvider = () => {
  try { return readFileSync(new URL('../.dev/idp-url', import.meta.url), 'utf8').trim() || undefined; } catch { return undefined; }
};
const fromEnv = process.env.IDP_URL || (process.env.IDP_PORT ? `http://localhost:${process.env.IDP_PORT}` : undefined);
const [account, realm = 'demo', issuerBase = fromEnv ?? runProvider() ?? 'http://localhost:7080'] = args.filter((a) => a !== '--json');
if (!account || account === '--help' || account === '-h') {
  console.error('usage: node dev/get-token.mjs <account> [realm=demo] [provider=the one ./run.sh started] [--json]\n'
    + '  account: alice, bob, dave, carol or olivia (dev/idp/accounts.json); realm: demo or other');
  process.exit(account ? 0 : 2);
}
const issuer = `${issuerBase.replace(/\/+$/, '')}/realms/${realm}`;
const fail = (msg) => { console.error(`get-token: ${msg}`); process.exit(1); };

// Minimal cookie jar (one host, so names are enough).
const jar = new Map();
function storeCookies(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
      || attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now());
    if (!value || expired) jar.delete(name); else jar.set(name, value);
  }
}
const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

const b64url = (buf) => buf.toString('base64url');
const verifier = b64url(randomBytes(32));
const challenge = b64url(createHash('sha256').update(verifier).digest());
const state = b64url(randomBytes(16));
const nonce = b64url(randomBytes(16));

const discovery = await fetch(`${issuer}/.well-known/openid-configuration`)
  .then((r) => (r.ok ? r.json() : fail(`discovery answered ${r.status}`)))
  .catch((e) => fail(`cannot reach ${issuer}: ${e.message}`));

const auth = new URL(discovery.authorization_endpoint);
Object.entries({
  client_id: CLIENT_ID,
  response_type: 'code',
  redirect_uri: REDIRECT_URI,
  scope: SCOPE,
  state,
  nonce,
  code_challenge: challenge,
  code_challenge_method: 'S256',
  login_hint: account,
}).forEach(([k, v]) => auth.searchParams.set(k, v));

// Follow redirects by hand until the provider sends us to the (never served) redirect_uri.
let url = auth.href;
let callback;
for (let hop = 0; hop < 10 && !callback; hop += 1) {
  const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader() } });
  storeCookies(res);
  const location = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !location) {
    fail(`expected a redirect, got HTTP ${res.status} at ${new URL(url).pathname} (unknown account "${account}"?)`);
  }
  const next = new URL(location, url);
  if (next.href.startsWith(`${REDIRECT_URI}?`)) callback = next; else url = next.href;
}
if (!callback) fail('too many redirects');

const p = callback.searchParams;
if (p.get('error')) fail(`authorization error: ${p.get('error')} ${p.get('error_description') ?? ''}`);
if (p.get('state') !== state) fail('state mismatch');
if (p.get('iss') !== discovery.issuer) fail('iss mismatch in authorization response');

const tokenRes = await fetch(discovery.token_endpoint, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'authorization_code',
    code: p.get('code'),
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  }),
});
const tokens = await tokenRes.json();
if (!tokenRes.ok) fail(`token endpoint answered ${tokenRes.status}: ${tokens.error} ${tokens.error_description ?? ''}`);

console.log(json ? JSON.stringify(tokens) : tokens.access_token);
