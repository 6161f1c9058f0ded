// Development stand-in for the Terrascope partner: a tiny lookalike of Keycloak's admin API
// that answers "is this Check-in identity linked to a Terrascope account?".
// DEV/TEST ONLY: links live in memory; the /dev/* hooks are always on.
//
// Start: node dev/partner/server.mjs
// Env:   PARTNER_PORT (7090), PARTNER_HOST (127.0.0.1),
//        PARTNER_ISSUER (http://localhost:7080/realms/demo), PARTNER_CLIENT_SECRET (required),
//        PARTNER_LINKED (comma-separated voperson_ids; default: alice's demo-realm voperson_id)
//
//   GET  /admin/realms/terrascope/users?idpAlias=egi&idpUserId={voperson_id}&exact=true&briefRepresentation=true
//        Authorization: Bearer <client-credentials token of terrascope-partner>
//        -> [{"id","username","enabled"}] when linked, [] otherwise; 401 for a missing/invalid token
//   POST /dev/links  {"idpUserId": "...", "linked": true|false}   link or unlink at run time
//   GET  /dev/links  current links;   GET /dev/health
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const { accounts } = JSON.parse(readFileSync(new URL('../idp/accounts.json', import.meta.url), 'utf8'));

const PORT = Number(process.env.PARTNER_PORT || 7090);
const HOST = process.env.PARTNER_HOST || '127.0.0.1';
const ISSUER = (process.env.PARTNER_ISSUER || 'http://localhost:7080/realms/demo').replace(/\/+$/, '');
const CLIENT_ID = 'terrascope-partner';
const SECRET = process.env.PARTNER_CLIENT_SECRET;
if (!SECRET) {
  console.error('partner: missing required environment variable PARTNER_CLIENT_SECRET (the terrascope-partner client secret given to the idp).');
  process.exit(2);
}
const REALM = 'terrascope';
const IDP_ALIAS = 'egi';

// idpUserId (voperson_id) -> Terrascope user
const links = new Map();
function link(idpUserId) {
  const known = Object.entries(accounts).find(([, a]) => Object.values(a.realms).some((r) => r.voperson_id === idpUserId));
  const h = createHash('sha256').update(`terrascope:${idpUserId}`).digest('hex');
  links.set(idpUserId, {
    id: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`,
    username: known ? known[1].email : `egi-${h.slice(0, 12)}`,
    enabled: true,
  });
}
const initial = process.env.PARTNER_LINKED ?? accounts.alice.realms.demo.voperson_id;
initial.split(',').map((s) => s.trim()).filter(Boolean).forEach(link);

function json(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

// ---- bearer token check through the issuer's introspection endpoint ----
let introspectionEndpoint;
async function introspect(token) {
  if (!introspectionEndpoint) {
    const res = await fetch(`${ISSUER}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`discovery answered ${res.status}`);
    introspectionEndpoint = (await res.json()).introspection_endpoint;
  }
  const res = await fetch(introspectionEndpoint, {
    method: 'POST',
    signal: AbortSignal.timeout(5000),
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(SECRET)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  if (!res.ok) throw new Error(`introspection answered ${res.status}`);
  return res.json();
}

async function authorized(req, res) {
  const m = /^Bearer ([\x21-\x7E]+)$/.exec(req.headers.authorization ?? '');
  if (m) {
    let info;
    try {
      info = await introspect(m[1]);
    } catch (err) {
      console.error(`partner: cannot validate token: ${err.message}`);
      json(res, 503, { error: 'token validation unavailable' });
      return false;
    }
    if (info.active === true && info.client_id === CLIENT_ID) return true;
  }
  json(res, 401, { error: 'HTTP 401 Unauthorized' }, { 'WWW-Authenticate': 'Bearer realm="terrascope"' });
  return false;
}

async function readJson(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) throw new Error('body too large');
  }
  return JSON.parse(body);
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, `http://${HOST}:${PORT}`);
    const users = /^\/admin\/realms\/([^/]+)\/users$/.exec(url.pathname);

    if (users && req.method === 'GET') {
      if (!(await authorized(req, res))) return;
      if (decodeURIComponent(users[1]) !== REALM) return json(res, 404, { error: 'Realm not found.' });
      const q = url.searchParams;
      const alias = q.get('idpAlias');
      const userId = q.get('idpUserId');
      const exact = q.get('exact') === 'true';
      if (alias !== null && alias !== IDP_ALIAS) return json(res, 200, []);
      const found = [...links].filter(([id]) => userId === null || (exact ? id === userId : id.includes(userId)));
      return json(res, 200, found.map(([, user]) => user));
    }

    if (url.pathname === '/dev/links' && req.method === 'POST') {
      let body;
      try {
        body = await readJson(req);
      } catch {
        return json(res, 400, { error: 'expected a JSON body' });
      }
      if (typeof body?.idpUserId !== 'string' || !body.idpUserId || typeof body.linked !== 'boolean') {
        return json(res, 400, { error: 'expected {"idpUserId": "<voperson_id>", "linked": true|false}' });
      }
      if (body.linked) link(body.idpUserId); else links.delete(body.idpUserId);
      return json(res, 200, { idpUserId: body.idpUserId, linked: links.has(body.idpUserId) });
    }
    if (url.pathname === '/dev/links' && req.method === 'GET') {
      return json(res, 200, [...links].map(([idpUserId, user]) => ({ idpUserId, ...user })));
    }
    if (url.pathname === '/dev/health' && req.method === 'GET') {
      return json(res, 200, { status: 'ok', issuer: ISSUER, linked: links.size });
    }
    return json(res, 404, { error: 'not found' });
  } catch (err) {
    console.error('partner: request failed:', err);
    if (!res.headersSent) json(res, 500, { error: 'internal error' }); else res.end();
  }
});

server.listen(PORT, HOST, () => console.log(`partner ready http://${HOST}:${PORT}`));

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
