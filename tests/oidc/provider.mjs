// A real OpenID Connect provider for the single sign-on tests: the certified `oidc-provider`
// package (pinned in package.json), listening on 127.0.0.1 on a free port.
//
//   node tests/oidc/provider.mjs <redirect-uri> [<redirect-uri> ...]
//
// It prints one JSON line, {"issuer": "http://127.0.0.1:<port>"}, once it listens, and stops
// when its standard input closes (so it never outlives the tests that started it).
//
// Clients and accounts come from fixtures.json beside this file; the Python tests read the same
// file. Accounts sign in through oidc-provider's own development login and consent pages (any
// password). A client with a "misbehaviour" gets ID tokens that break one rule, signed by the
// provider's real key (or, for "forged-signature", by a key the provider never published):
//   wrong-audience    aud names another client
//   expired           exp an hour ago (iat two hours ago)
//   issued-in-future  iat an hour ahead
//   not-yet-valid     nbf an hour ahead
//   wrong-issuer      iss is another provider
//   wrong-nonce       nonce is not the one the app sent
//   forged-signature  signed by an unpublished key with the published key's id

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider from 'oidc-provider';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = JSON.parse(fs.readFileSync(path.join(here, 'fixtures.json'), 'utf8'));
const redirectUris = process.argv.slice(2);
if (redirectUris.length === 0) {
  console.error('usage: node tests/oidc/provider.mjs <redirect-uri> [...]');
  process.exit(2);
}

const KID = 'tests-signing-key';
const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const forgingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const signingJwk = { ...signingKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };

const base64url = (value) => Buffer.from(value).toString('base64url');
const epoch = () => Math.floor(Date.now() / 1000);

function resign(token, change, key) {
  const [header, payload] = token.split('.').slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
  change(payload);
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = crypto.sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

const MISBEHAVIOURS = {
  'wrong-audience': (token) => resign(token, (p) => { p.aud = 'another-application'; }, signingKey),
  expired: (token) => resign(token, (p) => { p.iat = epoch() - 7200; p.exp = epoch() - 3600; }, signingKey),
  'issued-in-future': (token) => resign(token, (p) => { p.iat = epoch() + 3600; p.exp = epoch() + 7200; }, signingKey),
  'not-yet-valid': (token) => resign(token, (p) => { p.nbf = epoch() + 3600; }, signingKey),
  'wrong-issuer': (token) => resign(token, (p) => { p.iss = 'http://127.0.0.1:9/another-provider'; }, signingKey),
  'wrong-nonce': (token) => resign(token, (p) => { p.nonce = 'not-the-nonce-the-app-sent'; }, signingKey),
  'forged-signature': (token) => resign(token, () => {}, forgingKey),
};

const clients = Object.entries(fixtures.clients).map(([clientId, client]) => ({
  client_id: clientId,
  client_secret: client.secret,
  redirect_uris: redirectUris,
  response_types: ['code'],
  grant_types: ['authorization_code'],
  token_endpoint_auth_method: 'client_secret_basic',
}));

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['tests-only-cookie-signing-key'] },
    // Scope claims go in the ID token, as Microsoft's and Google's do.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub', 'tid', 'hd', 'xms_edov'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const account = fixtures.accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
  });
  const { IdToken } = provider;
  const issue = IdToken.prototype.issue;
  IdToken.prototype.issue = async function issueWithMisbehaviour(options) {
    const token = await issue.call(this, options);
    const misbehaviour = fixtures.clients[this.client.clientId]?.misbehaviour;
    return options?.use === 'idtoken' && misbehaviour ? MISBEHAVIOURS[misbehaviour](token) : token;
  };
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
