// A request signed as Huawei's Python SDK signs it (SDK-HMAC-SHA256), written from mpc-api.md §15 apart from the
// mock's own code, for the tests of authentication.
import { createHash, createHmac } from 'node:crypto';
import { PROJECT } from './helper.js';

export /**
 * A signer written from mpc-api.md §15 for the Python SDK, apart from the mock's code: the wire query is the
 * canonical one (names sorted, values sorted by value, numbers as numbers, `!'()*` escaped), `user-agent` is
 * signed, and the body is hashed as sent.
 */
function pythonSigned(options: {
  method: string;
  path: string;
  params?: Record<string, Array<string | number>>;
  headers?: Record<string, string>;
  body?: string;
  date: string;
  ak?: string;
  sk?: string;
  /** Sign this query instead of the wire's (to show what a verifier that re-sorts would compute). */
  signQuery?: string;
}) {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = Object.keys(options.params ?? {})
    .sort()
    .flatMap((name) =>
      [...options.params![name]!]
        .sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1))
        .map((v) => `${enc(name)}=${enc(String(v))}`),
    )
    .join('&');
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: 'mpc.example.com',
    'user-agent': 'huaweicloud-usdk-python/3.0; os/Linux; python/3.12',
    'x-project-id': PROJECT,
    'x-sdk-date': options.date,
    ...options.headers,
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonical = [
    options.method,
    `${options.path}/`,
    options.signQuery ?? query,
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    signedHeaders,
    createHash('sha256').update(options.body ?? '', 'utf8').digest('hex'),
  ].join('\n');
  const stringToSign = `SDK-HMAC-SHA256\n${options.date}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', options.sk ?? 'TESTSK').update(stringToSign).digest('hex');
  return {
    url: query ? `${options.path}?${query}` : options.path,
    query,
    signature,
    headers: { ...headers, accept: '*/*', authorization: `SDK-HMAC-SHA256 Access=${options.ak ?? 'TESTAK'}, SignedHeaders=${signedHeaders}, Signature=${signature}` },
  };
}

