// Verifies a JWS compact token against a JWKS and prints its header and claims.
// Usage: node jwt-check.mjs JWT JWKS_FILE [iss=..] [aud=..] [nonce=..] [alg=..]
// Exits 1 when the signature, or any expected value given, does not match.
import { createPublicKey, verify, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [token, jwksFile, ...expect] = process.argv.slice(2);
const fail = (msg) => { console.error(`jwt-check: ${msg}`); process.exit(1); };
const parts = (token || '').trim().split('.');
if (parts.length !== 3) fail('not a compact JWS');
const dec = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
const header = dec(parts[0]);
const claims = dec(parts[1]);
const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
const jwk = jwks.keys.find((k) => k.kid === header.kid);
if (!jwk) fail(`kid ${header.kid} is not in the JWKS`);
if (jwk.alg && jwk.alg !== header.alg) fail(`header alg ${header.alg} differs from the key's alg ${jwk.alg}`);
const key = createPublicKey({ key: jwk, format: 'jwk' });
const data = Buffer.from(`${parts[0]}.${parts[1]}`);
const sig = Buffer.from(parts[2], 'base64url');
const hash = `sha${header.alg.slice(2)}`;
let ok;
if (header.alg.startsWith('RS')) ok = verify(hash, data, key, sig);
else if (header.alg.startsWith('PS')) ok = verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(header.alg.slice(2)) / 8 }, sig);
else if (header.alg.startsWith('ES')) ok = verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
else fail(`unexpected alg ${header.alg}`);
if (!ok) fail(`signature does not verify (alg ${header.alg}, kid ${header.kid})`);
for (const e of expect) {
  const [name, want] = e.split(/=(.*)/s);
  const got = name === 'alg' ? header.alg : claims[name];
  if (name === 'aud' ? !([].concat(got).includes(want)) : got !== want) fail(`${name} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}
console.log(JSON.stringify({ header, claims }, null, 2));
