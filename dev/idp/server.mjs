// Development identity provider that behaves like EGI Check-in (Keycloak-based).
// DEV/TEST ONLY: in-memory storage, keys regenerated at every start, plain http on loopback.
//
// Two independent issuers ("realms") on one HTTP server:
//   http://localhost:{IDP_PORT}/realms/demo   and   http://localhost:{IDP_PORT}/realms/other
// The issuers name "localhost" while the service runs on 127.0.0.1: to a browser these are two
// different sites, as EGI Check-in (aai.egi.eu) is never the service's own site. Every redirect back
// from here is a cross-site navigation, so the lab meets the cookie rules production has.
// Start: node dev/idp/server.mjs   (see the env variables read below)
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider, { interactionPolicy } from 'oidc-provider';

const { accounts } = JSON.parse(readFileSync(new URL('./accounts.json', import.meta.url), 'utf8'));
const REALMS = ['demo', 'other'];
// Realms whose clients get userinfo as a signed JWT (OIDC Core §5.3.2), as some certified providers
// answer; the others answer JSON, so the suite meets both forms.
const SIGNED_USERINFO_REALMS = (process.env.SIGNED_USERINFO_REALMS ?? 'other').split(',').filter(Boolean);

// ---- configuration from the environment ----
const PORT = Number(process.env.IDP_PORT || 7080);
const HOST = process.env.IDP_HOST || '127.0.0.1'; // where it listens
const PUBLIC_HOST = process.env.IDP_PUBLIC_HOST || 'localhost'; // what its issuers name
const SERVICE_BASE_URLS = (process.env.SERVICE_BASE_URLS || 'http://127.0.0.1:7071')
  .split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean);
const missing = ['DEMO_CLIENT_SECRET', 'OTHER_CLIENT_SECRET', 'PARTNER_CLIENT_SECRET']
  .filter((name) => !process.env[name]);
if (missing.length) {
  console.error(`idp: missing required environment variable(s): ${missing.join(', ')}. `
    + 'Secrets are never committed: generate them per run, e.g. DEMO_CLIENT_SECRET=$(openssl rand -hex 32).');
  process.exit(2);
}
const SECRETS = {
  demo: process.env.DEMO_CLIENT_SECRET,
  other: process.env.OTHER_CLIENT_SECRET,
  partner: process.env.PARTNER_CLIENT_SECRET,
};
const ORIGIN = `http://${PUBLIC_HOST}:${PORT}`;
const CLI_REDIRECT_URI = 'http://127.0.0.1/dev-cli/callback';
// IDP_DEBUG=1: log the shape of client authentication on POSTs to the protocol endpoints (never a secret).
const DEBUG = process.env.IDP_DEBUG === '1';
const SCOPES = ['openid', 'offline_access', 'profile', 'email',
  'eduperson_entitlement', 'eduperson_scoped_affiliation', 'voperson_id'];

// ---- accounts: same people in each realm, realm-specific sub and voperson_id ----
function accountBySub(realm, sub) {
  return Object.entries(accounts).find(([, a]) => a.realms[realm].sub === sub);
}

function claimsOf(realm, username) {
  const a = accounts[username];
  const claims = {
    sub: a.realms[realm].sub,
    name: a.name,
    given_name: a.given_name,
    family_name: a.family_name,
    preferred_username: a.preferred_username,
    email: a.email,
    email_verified: a.email_verified,
    eduperson_entitlement: a.eduperson_entitlement,
    voperson_id: a.realms[realm].voperson_id,
  };
  if (a.email_verified) claims.voperson_verified_email = [a.email];
  // Social logins (dave) carry no affiliation claim at all.
  if (a.eduperson_scoped_affiliation) claims.eduperson_scoped_affiliation = a.eduperson_scoped_affiliation;
  return claims;
}

// ---- small HTML helpers (everything user- or request-derived is escaped) ----
const esc = (v) => String(v ?? '').replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
function page(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.note{color:#666;font-size:.9rem}ul{list-style:none;padding:0}li{margin:.4rem 0}
button{width:100%;text-align:left;padding:.6rem .8rem;border:1px solid #ccc;border-radius:6px;background:#fafafa;cursor:pointer;font-size:1rem}
button:hover{background:#eef4ff}.small{color:#666;font-size:.85rem}button.cancel{text-align:center;background:none}</style>
</head><body>${body}</body></html>`;
}
function send(res, status, html) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'", // no form-action: browsers apply it to the redirect back to the client
    'X-Frame-Options': 'DENY',
  });
  res.end(html);
}

// ---- one Provider per realm ----
function createRealm(realm) {
  const issuer = `${ORIGIN}/realms/${realm}`;
  const prefix = `/realms/${realm}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: `${realm}-${randomUUID()}`, use: 'sig', alg: 'RS256' };

  const signedUserinfo = SIGNED_USERINFO_REALMS.includes(realm) ? { userinfo_signed_response_alg: 'RS256' } : {};
  const clients = [
    {
      ...signedUserinfo,
      client_id: `onboarding-${realm}`,
      client_secret: SECRETS[realm],
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: SERVICE_BASE_URLS.map((b) => `${b}/api/tenants/${realm}/callback`),
      // RP-initiated logout returns here (Check-in: registered in the Federation Registry).
      post_logout_redirect_uris: SERVICE_BASE_URLS.map((b) => `${b}/api/tenants/${realm}/signed-out`),
    },
    { // like the openEO python client's default public client
      ...signedUserinfo,
      client_id: 'openeo-cli',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: [CLI_REDIRECT_URI],
    },
    { // service account of the partner (Terrascope), client credentials only
      client_id: 'terrascope-partner',
      client_secret: SECRETS.partner,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
  ];

  // Re-authenticate when login_hint names a different demo account than the session's.
  const policy = interactionPolicy.base();
  policy.get('login').checks.push(new interactionPolicy.Check(
    'login_hint_mismatch', 'login_hint names another account', 'login_required',
    (ctx) => {
      const hint = ctx.oidc.params.login_hint;
      const hinted = hint && Object.hasOwn(accounts, hint) ? accounts[hint].realms[realm].sub : undefined;
      return Boolean(hinted && ctx.oidc.session.accountId && ctx.oidc.session.accountId !== hinted
        && !ctx.oidc.result?.login);
    },
  ));

  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [jwk] },
    findAccount(ctx, sub) {
      const found = accountBySub(realm, sub);
      if (!found) return undefined;
      return { accountId: sub, claims: () => claimsOf(realm, found[0]) };
    },
    scopes: SCOPES,
    responseTypes: ['code'], // code flow only, no implicit/hybrid
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified', 'voperson_verified_email'],
      eduperson_entitlement: ['eduperson_entitlement'],
      eduperson_scoped_affiliation: ['eduperson_scoped_affiliation'],
      voperson_id: ['voperson_id'],
    },
    conformIdTokenClaims: false, // like Keycloak: scope claims in the ID token too
    pkce: { required: () => true }, // every code flow, S256 is the only method in v9
    enabledJWA: { idTokenSigningAlgValues: ['RS256'] }, // never alg:none
    interactions: {
      policy,
      url: (ctx, interaction) => `${prefix}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // only confidential clients may introspect
        allowedPolicy: (ctx, client) => client.clientAuthMethod !== 'none',
      },
      revocation: { enabled: true, allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Without an id_token_hint the person confirms, as Keycloak asks too.
        logoutSource(ctx, form) {
          ctx.body = page('Sign out', `<h1>Sign out of the development provider (realm ${esc(realm)})?</h1>
${form}<p><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button></p>
<p><button type="submit" form="op.logoutForm" class="cancel">No, stay signed in</button></p>`);
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = page('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>');
        },
      },
    },
    // Keycloak-style endpoint paths (clients should use discovery anyway)
    routes: {
      authorization: '/protocol/openid-connect/auth',
      token: '/protocol/openid-connect/token',
      userinfo: '/protocol/openid-connect/userinfo',
      jwks: '/protocol/openid-connect/certs',
      introspection: '/protocol/openid-connect/token/introspect',
      revocation: '/protocol/openid-connect/revoke',
      end_session: '/protocol/openid-connect/logout',
      device_authorization: '/protocol/openid-connect/auth/device',
      code_verification: '/device',
    },
    // Access tokens stay opaque (one hour, expires_in 3600). oidc-provider v9 issues JWT access tokens
    // only for a resource server (features.resourceIndicators): those always carry an aud, are not
    // stored, and its userinfo endpoint refuses them ("token audience prevents accessing the userinfo
    // endpoint"; lib/models/formats/jwt.js: "for Access Tokens without audience (only usable at the
    // userinfo_endpoint) use an opaque format"). The service checks bearer tokens at userinfo, as
    // openEO back-ends do with EGI Check-in's JWTs, so here they must be userinfo tokens.
    ttl: {
      AccessToken: 3600,
      ClientCredentials: 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      DeviceCode: 600,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 30 * 24 * 3600,
    },
    // Cookies: http on loopback works because they are only marked Secure when the request is https.
    // Both realms share one host, so names and the session cookie path are per realm.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      names: { session: `_session_${realm}`, interaction: `_interaction_${realm}`, resume: `_interaction_resume_${realm}` },
      long: { httpOnly: true, sameSite: 'lax', path: prefix },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    clientBasedCORS: () => false,
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Error</h1><p><code>${esc(out.error)}</code></p><p>${esc(out.error_description)}</p>`);
    },
  });
  provider.on('server_error', (ctx, err) => console.error(`idp[${realm}] server_error:`, err));

  // Public clients that authenticate with an EMPTY secret in HTTP Basic, as oidc-agent does for a
  // client without a secret: `Authorization: Basic base64("openeo-cli:")`. Keycloak (EGI Check-in)
  // treats that as the public client; oidc-provider v9 has no option for it and always answers
  // invalid_request "client_secret must be provided in the Authorization header" (shared/client_auth.js).
  // So this middleware, before the provider's routes, turns such a request into the form a public
  // client is expected to send: the header is dropped and client_id moves into the form body. Only
  // for clients registered with token_endpoint_auth_method 'none'; a non-empty secret, another
  // client or a client_id in the body that disagrees is left untouched for the provider to judge.
  // oidc-provider then reads the body from req.body (it warns once that a body was pre-parsed).
  const publicClients = new Set(clients.filter((c) => c.token_endpoint_auth_method === 'none').map((c) => c.client_id));
  provider.use(async (ctx, next) => {
    const basic = ctx.method === 'POST' ? /^basic\s+(\S+)$/i.exec(ctx.get('authorization')) : null;
    if (basic) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      const clientId = i > 0 ? decodeURIComponent(decoded.slice(0, i).replace(/\+/g, '%20')) : undefined;
      const emptySecret = i > 0 && i === decoded.length - 1;
      if (DEBUG) {
        console.error(`idp[${realm}] debug: POST ${ctx.path} Authorization: Basic client_id=${clientId ?? '(none)'} `
          + `secret=${emptySecret ? 'empty' : 'present'}`);
      }
      if (emptySecret && publicClients.has(clientId) && ctx.is('application/x-www-form-urlencoded')) {
        let raw = '';
        for await (const chunk of ctx.req) {
          raw += chunk;
          if (raw.length > 56 * 1024) ctx.throw(413);
        }
        const form = new URLSearchParams(raw);
        if (DEBUG) console.error(`idp[${realm}] debug:   form parameters: ${[...new Set(form.keys())].join(' ')}`);
        if (!form.has('client_id') || form.get('client_id') === clientId) {
          form.set('client_id', clientId);
          delete ctx.req.headers.authorization;
        }
        ctx.req.body = form.toString();
      }
    } else if (DEBUG && ctx.method === 'POST' && ctx.path.startsWith('/protocol/')) {
      console.error(`idp[${realm}] debug: POST ${ctx.path} Authorization: ${ctx.get('authorization') ? ctx.get('authorization').split(' ')[0] : '(none)'}`);
    }
    await next();
  });
  return { realm, issuer, prefix, provider, callback: provider.callback() };
}

// ---- interaction routes (login page and automatic consent) ----
async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function login(r, req, res, details, username) {
  const accountId = accounts[username].realms[r.realm].sub;
  if (details.session?.accountId && details.session.accountId !== accountId) {
    // Switching account in the same browser: end the old session here, otherwise oidc-provider
    // detours through a logout confirmation form that scripted clients cannot follow.
    await (await r.provider.Session.findByUid(details.session.uid))?.destroy();
    delete details.session;
    await details.save(details.exp - Math.floor(Date.now() / 1000));
  }
  await r.provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

function loginPage(r, uid, details) {
  const items = Object.entries(accounts).map(([u, a]) => `<li><button type="submit" name="account" value="${esc(u)}">
<strong>${esc(a.name)}</strong> (${esc(u)}) &lt;${esc(a.email)}&gt;<br><span class="small">${esc(a.description)}</span></button></li>`).join('');
  const action = `${r.prefix}/interaction/${encodeURIComponent(uid)}`;
  return page(`Sign in – ${r.realm}`, `<h1>Development sign-in (realm ${esc(r.realm)})</h1>
<p class="note">Client <code>${esc(details.params.client_id)}</code> asks you to sign in. Pick a demo account; no password is needed.</p>
<form method="post" action="${esc(action)}/login"><ul>${items}</ul></form>
<form method="post" action="${esc(action)}/abort"><button class="cancel" type="submit">Cancel</button></form>`);
}

// Interactions finished in this process, by uid, with the authorization request that started them
// (10 minutes, as the client's own attempt). The browser's Back from the client's page after a
// sign-in lands on the interaction's address again: instead of a dead "Sign-in expired" page, the
// request is sent again, without prompt, and with the person still signed in here it goes straight
// back to the client, whose page for a spent sign-in offers "Continue" (as Keycloak's "already
// logged in" page offers "Back to application").
const finished = new Map();
const FINISHED_FOR_MS = 10 * 60 * 1000;

function remember(r, details) {
  const now = Date.now();
  for (const [uid, f] of finished) if (f.until < now) finished.delete(uid);
  const { prompt: _prompt, max_age: _maxAge, ...params } = details.params;
  finished.set(details.uid, { realm: r.realm, params, until: now + FINISHED_FOR_MS });
}

function resend(r, uid, res) {
  const f = finished.get(uid);
  if (!f || f.realm !== r.realm || f.until < Date.now()) return false;
  const query = new URLSearchParams(Object.entries(f.params).filter(([, v]) => typeof v === 'string'));
  res.writeHead(303, { Location: `${r.issuer}/protocol/openid-connect/auth?${query}`, 'Cache-Control': 'no-store' });
  res.end();
  return true;
}

async function interaction(r, path, req, res) {
  const m = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec(path);
  if (!m) return send(res, 404, page('Not found', '<h1>Not found</h1>'));
  const [, uid, action] = m;
  let details;
  try {
    details = await r.provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
  } catch {
    if (req.method === 'GET' && !action && resend(r, uid, res)) return undefined;
    return send(res, 400, page('Sign-in expired', '<h1>Sign-in expired</h1><p>This sign-in request is unknown or has expired (or cookies are blocked). Start again from the application.</p>'));
  }
  const { prompt, params } = details;
  remember(r, details);

  if (req.method === 'POST' && action === '/abort') {
    return r.provider.interactionFinished(req, res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === '/login' && prompt.name === 'login') {
    const username = (await readForm(req)).get('account');
    if (!Object.hasOwn(accounts, username ?? '')) return send(res, 400, loginPage(r, uid, details));
    return login(r, req, res, details, username);
  }
  if (req.method !== 'GET' || action) return send(res, 405, page('Not allowed', '<h1>Method not allowed</h1>'));

  if (prompt.name === 'login') {
    // Scripts and tests: a known login_hint signs in at once.
    if (Object.hasOwn(accounts, params.login_hint ?? '')) return login(r, req, res, details, params.login_hint);
    return send(res, 200, loginPage(r, uid, details));
  }
  if (prompt.name === 'consent') {
    // Automatic consent: grant everything that was requested.
    const grant = details.grantId
      ? await r.provider.Grant.find(details.grantId)
      : new r.provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    return r.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return send(res, 400, page('Unsupported', `<h1>Unsupported prompt</h1><p>${esc(prompt.name)}</p>`));
}

// ---- one HTTP server, each realm mounted under /realms/{realm} ----
const realms = new Map(REALMS.map((name) => [name, createRealm(name)]));

const server = createServer(async (req, res) => {
  try {
    const m = /^\/realms\/([a-z]+)(\/[^?]*)?(\?.*)?$/.exec(req.url);
    const r = m && realms.get(m[1]);
    if (!r) {
      if (req.url === '/' || req.url === '/health') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ issuers: [...realms.values()].map((x) => x.issuer) }));
      }
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end('{"error":"not_found"}');
    }
    const path = m[2] || '/';
    if (path.startsWith('/interaction/')) return await interaction(r, path, req, res);
    // oidc-provider derives its mount path from req.originalUrl minus req.url
    req.originalUrl = req.url;
    req.url = path + (m[3] || '');
    return r.callback(req, res);
  } catch (err) {
    console.error('idp: request failed:', err);
    if (!res.headersSent) send(res, 500, page('Error', '<h1>Internal error</h1>'));
    else res.end();
  }
});

server.listen(PORT, HOST, () => console.log(`idp ready ${ORIGIN}`));
// Where "localhost" resolves to ::1 first, answer there too; a machine without IPv6 just skips it.
if (PUBLIC_HOST === 'localhost' && HOST === '127.0.0.1') {
  const v6 = createServer(server.listeners('request')[0]);
  v6.on('error', () => {});
  v6.listen(PORT, '::1');
}

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
