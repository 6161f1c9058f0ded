// Turns PEM private keys into a private JWKS for Glewlwyd's "jwks-private" setting.
// Usage: node pem-to-jwks.mjs KID:ALG:FILE.pem ...   (prints the JWKS on stdout)
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

const keys = process.argv.slice(2).map((spec) => {
  const [kid, alg, file] = spec.split(':');
  const jwk = createPrivateKey(readFileSync(file)).export({ format: 'jwk' });
  return { ...jwk, kid, alg, use: 'sig' };
});
process.stdout.write(JSON.stringify({ keys }));
