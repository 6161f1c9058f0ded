// oidc-agent (Debian's oidc-agent-cli, the EGI/EOSC command-line token tool) against the development IdP:
// device flow as public client openeo-cli, which authenticates with an EMPTY secret in HTTP Basic.
// Run: node --test dev/   (installs oidc-agent-cli when missing, starts the IdP on a free loopback port)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const { accounts } = JSON.parse(readFileSync(new URL('dev/idp/accounts.json', root), 'utf8'));
const secret = () => randomBytes(32).toString('hex');
const env = {
  ...process.env,
  DEMO_CLIENT_SECRET: secret(), OTHER_CLIENT_SECRET: secret(), PARTNER_CLIENT_SECRET: secret(),
  IDP_DEBUG: '1',
};
let idp; let child; let idpLog = '';

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

before(async () => {
  await run('bash', ['dev/oidc-agent/install.sh'], { cwd: root, timeout: 300_000 });
  const port = await freePort();
  child = spawn(process.execPath, ['dev/idp/server.mjs'], {
    cwd: root, env: { ...env, IDP_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => { idpLog += d; });
  idp = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`idp did not start: ${idpLog}`)), 15000);
    child.stdout.on('data', (d) => {
      const m = /idp ready (\S+)/.exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`idp exited ${code}: ${idpLog}`)));
  });
});
after(() => child?.kill('SIGTERM'));

const discovery = (realm) => fetch(`${idp}/realms/${realm}/.well-known/openid-configuration`).then((r) => r.json());
const userinfo = async (realm, token) => {
  const res = await fetch((await discovery(realm)).userinfo_endpoint, { headers: { authorization: `Bearer ${token}` } });
  // Realm "other" signs its userinfo (application/jwt): the claims are the JWT's payload.
  const signed = res.headers.get('content-type')?.startsWith('application/jwt');
  const body = signed ? JSON.parse(Buffer.from((await res.text()).split('.')[1], 'base64url')) : await res.json();
  return { status: res.status, body, signed };
};
const getTokenSh = (realm, account, extraEnv = {}) => run('bash', ['dev/oidc-agent/get-token.sh', `${idp}/realms/${realm}`, account],
  { cwd: root, timeout: 60_000, env: { ...process.env, ...extraEnv } });
const basic = (id, pw) => `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}`;
const form = (url, body, authorization) => fetch(url, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
  body: new URLSearchParams(body),
});

test('get-token.sh: oidc-agent device flow, token works at userinfo, no voperson_id unless asked', async () => {
  const started = Date.now();
  const { stdout } = await getTokenSh('demo', 'alice');
  assert.ok(Date.now() - started < 60_000, 'under 60 s');
  const lines = stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, 'only the token on stdout');
  const { status, body } = await userinfo('demo', lines[0]);
  assert.equal(status, 200, JSON.stringify(body));
  assert.equal(body.sub, accounts.alice.realms.demo.sub);
  assert.equal(body.email, accounts.alice.email);
  assert.deepEqual(body.eduperson_entitlement, accounts.alice.eduperson_entitlement);
  assert.deepEqual(body.eduperson_scoped_affiliation, accounts.alice.eduperson_scoped_affiliation);
  assert.equal(body.voperson_id, undefined, 'voperson_id was not asked for');
  // What oidc-agent sent, as the IdP logged it at debug: HTTP Basic with the client id and an empty secret.
  assert.match(idpLog, /POST \/protocol\/openid-connect\/auth\/device Authorization: Basic client_id=openeo-cli secret=empty/);
  assert.match(idpLog, /POST \/protocol\/openid-connect\/token Authorization: Basic client_id=openeo-cli secret=empty/);
});

test('get-token.sh: other realm, voperson_id when asked', async () => {
  const { stdout } = await getTokenSh('other', 'carol', {
    OIDC_SCOPE: 'openid email eduperson_entitlement offline_access voperson_id',
  });
  const { status, body } = await userinfo('other', stdout.trim());
  assert.equal(status, 200);
  assert.equal(body.sub, accounts.carol.realms.other.sub);
  assert.equal(body.email, accounts.carol.email);
  assert.equal(body.voperson_id, accounts.carol.realms.other.voperson_id);
  assert.equal((await userinfo('demo', stdout.trim())).status, 401, 'not a token of realm demo');
});

test('get-token.sh: unknown account fails with a message and prints nothing', async () => {
  await assert.rejects(getTokenSh('demo', 'nobody'), (err) => {
    assert.notEqual(err.code, 0);
    assert.equal(err.stdout, '');
    assert.match(err.stderr, /get-token\.sh: error: .*nobody/);
    return true;
  });
});

test('device flow with an empty-secret Basic header: refresh token with offline_access, one-hour tokens', async () => {
  const d = await discovery('demo');
  const auth = basic('openeo-cli', '');
  const start = await form(d.device_authorization_endpoint,
    { scope: 'openid email eduperson_entitlement eduperson_scoped_affiliation offline_access' }, auth);
  const device = await start.json();
  assert.equal(start.status, 200, JSON.stringify(device));

  // The user's side, as get-token.sh does it with curl.
  const jar = new Map();
  const go = async (url, init = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) { const [k, v] = c.split(';')[0].split('='); if (v) jar.set(k, v); else jar.delete(k); }
    return res;
  };
  const page = await (await go(device.verification_uri)).text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)[1];
  let res = await go(device.verification_uri, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, user_code: device.user_code, confirm: 'yes' }),
  });
  const interaction = new URL(res.headers.get('location'), d.issuer).href;
  res = await go(`${interaction}/login`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ account: 'bob' }),
  });
  for (let i = 0; i < 5 && res.status >= 300 && res.status < 400; i += 1) res = await go(new URL(res.headers.get('location'), d.issuer).href);
  assert.equal(res.status, 200);

  const grant = await form(d.token_endpoint,
    { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code }, auth);
  const tokens = await grant.json();
  assert.equal(grant.status, 200, JSON.stringify(tokens));
  assert.equal(tokens.expires_in, 3600);
  assert.ok(tokens.refresh_token, 'refresh token for offline_access');
  assert.match(tokens.scope, /offline_access/);
  assert.equal((await userinfo('demo', tokens.access_token)).body.email, accounts.bob.email);

  const refreshed = await form(d.token_endpoint, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
  const again = await refreshed.json();
  assert.equal(refreshed.status, 200, JSON.stringify(again));
  assert.equal(again.expires_in, 3600);
  assert.equal((await userinfo('demo', again.access_token)).body.sub, accounts.bob.realms.demo.sub);
});

test('the empty-secret allowance is for public clients only', async () => {
  const d = await discovery('demo');
  const body = { scope: 'openid' };
  // A confidential client with an empty secret: refused as before.
  let res = await form(d.device_authorization_endpoint, body, basic('onboarding-demo', ''));
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error_description, 'client_secret must be provided in the Authorization header');
  // The public client with a secret: refused (it has none).
  res = await form(d.device_authorization_endpoint, body, basic('openeo-cli', 'guess'));
  assert.equal(res.status, 401);
  // Basic for one client, client_id of another in the body: refused.
  res = await form(d.device_authorization_endpoint, { ...body, client_id: 'onboarding-demo' }, basic('openeo-cli', ''));
  assert.equal(res.status, 400);
  // Without any Authorization header, client_id in the body: accepted as before.
  res = await form(d.device_authorization_endpoint, { ...body, client_id: 'openeo-cli' });
  assert.equal(res.status, 200);
});
