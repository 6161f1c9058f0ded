// Self-check of the development IdP, partner service and get-token script.
// Run: node --test dev/   (starts both services on free loopback ports with generated secrets)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const root = new URL('../../', import.meta.url);
const { accounts } = JSON.parse(readFileSync(new URL('dev/idp/accounts.json', root), 'utf8'));
const secret = () => randomBytes(32).toString('hex');
const env = {
  ...process.env,
  DEMO_CLIENT_SECRET: secret(), OTHER_CLIENT_SECRET: secret(), PARTNER_CLIENT_SECRET: secret(),
};
const children = [];
let idp; let partner;

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
function start(script, extraEnv, banner) {
  const child = spawn(process.execPath, [script], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 15000);
    child.stdout.on('data', (d) => {
      const m = new RegExp(`${banner} ready (\\S+)`).exec(String(d));
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}: ${err}`)));
  });
}

before(async () => {
  const [idpPort, partnerPort] = [await freePort(), await freePort()];
  idp = await start('dev/idp/server.mjs', { IDP_PORT: String(idpPort) }, 'idp');
  partner = await start('dev/partner/server.mjs', {
    PARTNER_PORT: String(partnerPort), PARTNER_ISSUER: `${idp}/realms/demo`,
  }, 'partner');
});
after(() => children.forEach((c) => c.kill('SIGTERM')));

const discovery = (realm) => fetch(`${idp}/realms/${realm}/.well-known/openid-configuration`).then((r) => r.json());
const getToken = async (account, realm = 'demo') => (await promisify(execFile)(
  process.execPath, ['dev/get-token.mjs', account, realm, idp], { cwd: root },
)).stdout.trim();
const userinfo = async (realm, token) => {
  const res = await fetch((await discovery(realm)).userinfo_endpoint, { headers: { authorization: `Bearer ${token}` } });
  // Realm "other" signs its userinfo (application/jwt): the claims are the JWT's payload.
  const signed = res.headers.get('content-type')?.startsWith('application/jwt');
  const body = signed ? JSON.parse(Buffer.from((await res.text()).split('.')[1], 'base64url')) : await res.json();
  return { status: res.status, body, signed };
};

test('discovery of both realms', async () => {
  for (const realm of ['demo', 'other']) {
    const d = await discovery(realm);
    assert.equal(d.issuer, `${idp}/realms/${realm}`);
    assert.equal(d.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(d.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(d.id_token_signing_alg_values_supported, ['RS256']);
    assert.ok(d.device_authorization_endpoint && d.introspection_endpoint && d.revocation_endpoint);
  }
});

test('authorization request without PKCE is refused', async () => {
  const d = await discovery('demo');
  const u = new URL(d.authorization_endpoint);
  u.search = new URLSearchParams({
    client_id: 'onboarding-demo', response_type: 'code', scope: 'openid', state: 'x',
    redirect_uri: 'http://127.0.0.1:7071/api/tenants/demo/callback',
  });
  const res = await fetch(u, { redirect: 'manual' });
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
  assert.equal(loc.searchParams.get('iss'), d.issuer);
});

test('get-token + userinfo return the account claims', async () => {
  for (const [name, realm] of [['alice', 'demo'], ['bob', 'demo'], ['dave', 'demo'], ['carol', 'other']]) {
    const a = accounts[name];
    const { status, body } = await userinfo(realm, await getToken(name, realm));
    assert.equal(status, 200);
    assert.equal(body.sub, a.realms[realm].sub);
    assert.equal(body.voperson_id, a.realms[realm].voperson_id);
    assert.equal(body.email, a.email);
    assert.deepEqual(body.eduperson_entitlement, a.eduperson_entitlement);
    assert.deepEqual(body.eduperson_scoped_affiliation, a.eduperson_scoped_affiliation); // dave: absent
    assert.equal(body.preferred_username, name);
  }
});

test('a token of one realm is refused by the other', async () => {
  assert.equal((await userinfo('other', await getToken('alice', 'demo'))).status, 401);
});

test('confidential code flow with client_secret_basic, signed ID token', async () => {
  const d = await discovery('demo');
  const redirectUri = 'http://127.0.0.1:7071/api/tenants/demo/callback';
  const verifier = randomBytes(32).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const u = new URL(d.authorization_endpoint);
  u.search = new URLSearchParams({
    client_id: 'onboarding-demo', response_type: 'code', redirect_uri: redirectUri, state: 'st', nonce,
    scope: 'openid profile email eduperson_entitlement eduperson_scoped_affiliation voperson_id',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    login_hint: 'alice',
  });
  const jar = new Map();
  let url = u.href; let loc;
  for (let i = 0; i < 10; i += 1) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) { const [k, v] = c.split(';')[0].split('='); if (v) jar.set(k, v); else jar.delete(k); }
    loc = new URL(res.headers.get('location'), url);
    if (loc.href.startsWith(redirectUri)) break;
    url = loc.href;
  }
  assert.ok(loc.href.startsWith(redirectUri), 'ends at the service callback');
  assert.equal(loc.searchParams.get('iss'), d.issuer);
  assert.equal(loc.searchParams.get('state'), 'st');
  const basic = Buffer.from(`onboarding-demo:${env.DEMO_CLIENT_SECRET}`).toString('base64');
  const res = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: loc.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const tokens = await res.json();
  assert.equal(res.status, 200, JSON.stringify(tokens));
  assert.equal(tokens.expires_in, 3600);
  const [h, p, s] = tokens.id_token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  assert.equal(header.alg, 'RS256');
  const { keys } = await (await fetch(d.jwks_uri)).json();
  const key = createPublicKey({ key: keys.find((k) => k.kid === header.kid), format: 'jwk' });
  assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')), 'signature');
  assert.equal(payload.iss, d.issuer);
  assert.equal(payload.aud, 'onboarding-demo');
  assert.equal(payload.nonce, nonce);
  assert.equal(payload.sub, accounts.alice.realms.demo.sub);
});

test('partner: linked, not linked, unauthorised, linked at run time', async () => {
  const d = await discovery('demo');
  const cc = await (await fetch(d.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`terrascope-partner:${env.PARTNER_CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  })).json();
  const lookup = (name, token) => fetch(`${partner}/admin/realms/terrascope/users?${new URLSearchParams({
    idpAlias: 'egi', idpUserId: accounts[name].realms.demo.voperson_id, exact: 'true', briefRepresentation: 'true',
  })}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  const alice = await lookup('alice', cc.access_token);
  assert.equal(alice.status, 200);
  const [user] = await alice.json();
  assert.equal(user.enabled, true);
  assert.ok(user.id && user.username);
  assert.deepEqual(await (await lookup('bob', cc.access_token)).json(), []);
  assert.equal((await lookup('alice')).status, 401);
  assert.equal((await lookup('alice', 'not-a-token')).status, 401);
  assert.equal((await lookup('alice', await getToken('alice'))).status, 401, 'user tokens are not accepted');

  const linkDave = await fetch(`${partner}/dev/links`, {
    method: 'POST', body: JSON.stringify({ idpUserId: accounts.dave.realms.demo.voperson_id, linked: true }),
  });
  assert.equal(linkDave.status, 200);
  assert.equal((await (await lookup('dave', cc.access_token)).json()).length, 1);
});

test('get-token follows IDP_PORT as run.sh sets it, and documents its arguments', async () => {
  const port = new URL(idp).port;
  const { stdout } = await promisify(execFile)(process.execPath, ['dev/get-token.mjs', 'alice'], {
    cwd: root, env: { ...process.env, IDP_URL: '', IDP_PORT: port },
  });
  assert.equal((await userinfo('demo', stdout.trim())).status, 200);

  const help = await promisify(execFile)(process.execPath, ['dev/get-token.mjs', '--help'], { cwd: root });
  assert.match(help.stderr, /usage: node dev\/get-token\.mjs <account> \[realm=demo\] \[provider=/);
  await assert.rejects(promisify(execFile)(process.execPath, ['dev/get-token.mjs'], { cwd: root }), (e) => e.code === 2);
});
