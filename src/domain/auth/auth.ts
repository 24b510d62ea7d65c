// Authentication as the API gateway does it in front of MPC (SPEC 5): off, presence of a credential, or the
// SDK-HMAC-SHA256 signature recomputed (shared/reference/mpc-api.md §8, with §13 and §15 for the Python SDK).
// Pure: the request's facts, the credentials and the clock's time go in; the access key that signed it, or the
// gateway's reason for refusing it, comes out. The HTTP layer (src/http/vendor-hooks.ts) only adapts. One
// function, `authenticate`, so that any path that answers a vendor request can call the same check.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { iamAuthFailed, invalidParameter, type VendorError } from '../vendor-errors.js';

export const AUTH_MODES = ['off', 'presence', 'verify'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** SPEC 5.1's credentials file, as given (`projects` absent: any project). */
export interface Credentials {
  access_keys?: Array<{ ak: string; sk: string; projects?: string[] }>;
  tokens?: string[];
}

/** What the control plane shows of the settings: never a secret key or a token. */
export interface AuthView {
  mode: AuthMode;
  access_keys: Array<{ ak: string; projects?: string[] }>;
  tokens: number;
}

interface AccessKey {
  /** The secret key's UTF-8 bytes, the HMAC key. */
  sk: Buffer;
  /** Undefined: any project. */
  projects: ReadonlySet<string> | undefined;
}

/** The mode and the credentials in force; settable at run time (the control plane), restored by a reset. */
export class AuthSettings {
  mode: AuthMode;
  private keys = new Map<string, AccessKey>();
  private tokens = new Set<string>();
  private given: Credentials = {};

  constructor(mode: AuthMode = 'off', credentials: Credentials = {}) {
    this.mode = mode;
    this.setCredentials(credentials);
  }

  /** Throws MPC.10202 naming the field for an access key given twice. */
  setCredentials(credentials: Credentials): void {
    const keys = new Map<string, AccessKey>();
    (credentials.access_keys ?? []).forEach((key, i) => {
      if (keys.has(key.ak)) throw invalidParameter(`credentials.access_keys.${i}.ak ${key.ak} is given twice`);
      keys.set(key.ak, { sk: Buffer.from(key.sk, 'utf8'), projects: key.projects ? new Set(key.projects) : undefined });
    });
    this.keys = keys;
    this.verified = new Map();
    this.tokens = new Set(credentials.tokens ?? []);
    this.given = structuredClone(credentials);
  }

  credentials(): Credentials {
    return structuredClone(this.given);
  }

  /**
   * Bodiless signed requests seen verified, the last few hundred, by their Authorization: a client that sends the
   * same request again within the second it signed it (a poll loop, a load test) is not hashed again. Cleared
   * with the credentials.
   */
  private verified = new Map<string, VerifiedRequest>();

  verifiedBefore(authorization: string): VerifiedRequest | undefined {
    return this.verified.get(authorization);
  }

  rememberVerified(request: VerifiedRequest & { authorization: string }): void {
    this.verified.set(request.authorization, request);
    if (this.verified.size > 512) this.verified.delete(this.verified.keys().next().value!);
  }

  accessKey(ak: string): AccessKey | undefined {
    return this.keys.get(ak);
  }

  hasToken(token: string): boolean {
    return this.tokens.has(token);
  }

  view(): AuthView {
    return {
      mode: this.mode,
      access_keys: (this.given.access_keys ?? []).map(({ ak, projects }) => (projects ? { ak, projects: [...projects] } : { ak })),
      tokens: this.tokens.size,
    };
  }
}

/** A change from the control plane: what is left out stays as it is. */
export interface AuthChange {
  mode?: AuthMode;
  credentials?: Credentials;
}

/** Applies a change whole or not at all (credentials are checked before the mode changes); answers the view. */
export function changeAuth(settings: AuthSettings, change: AuthChange): AuthView {
  if (change.credentials !== undefined) settings.setCredentials(change.credentials);
  if (change.mode !== undefined) settings.mode = change.mode;
  return settings.view();
}

/** A request's facts as received. Header names in lower case (as Node gives them). */
export interface AuthRequest {
  method: string;
  /** The path as received, still percent-encoded, without the query. */
  path: string;
  /** The query string as received, without the `?`. */
  query: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body's received text (UTF-8), or undefined when there is none. */
  body: string | undefined;
  /** The path's project id, decoded. */
  projectId: string | undefined;
}

/** What the journal keeps of a check: who signed, and why it failed. Never a secret. */
export interface AuthResult {
  mode: Exclude<AuthMode, 'off'>;
  outcome: 'accepted' | 'rejected';
  /** The access key named in `Access=`, when the request was signed. */
  access_key?: string;
  /** How the request identified itself. */
  credential: 'aksk' | 'token' | 'none';
  /** The gateway's detail, for a rejected request. */
  reason?: string;
  /** For a wrong signature: the canonical request the mock computed (secret header values redacted). */
  canonical_request?: string;
}

/** The gateway's tolerance for X-Sdk-Date, either way (error-codes.md §2b). */
export const MAX_SKEW_MS = 15 * 60 * 1000;

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const PLAIN_PATH = /^[A-Za-z0-9\-_.~/]*$/;

/** §8.5: everything but `A-Z a-z 0-9 - _ . ~` as UTF-8 bytes in uppercase hex; space as %20. */
export function sdkEncode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const decode = (text: string): string => {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // Not valid percent-encoding: signed as it came, which no SDK produces.
    return text;
  }
};

/**
 * §8.4 and SPEC 5.2: names percent-decoded, sorted, re-encoded; each name's values in the order received (the
 * Node SDK sends them sorted as strings, the Python SDK by value: re-sorting would refuse one of them).
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const byName = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  // Default sort: UTF-16 code units, as the SDK's.
  const names = [...byName.keys()].sort();
  let out = '';
  for (const name of names) {
    const key = sdkEncode(name);
    for (const value of byName.get(name)!) out += `${out === '' ? '' : '&'}${key}=${sdkEncode(value)}`;
  }
  return out;
}

/**
 * §8.3: each segment of the path as received encoded again (so `%7B` is signed as `%257B`), with a trailing `/`.
 * `decodeFirst`: the segments decoded before, as Huawei's SDKs in other languages do (§12.11).
 */
export function canonicalUri(rawPath: string, decodeFirst = false): string {
  // What every SDK sends for the MPC API: nothing to encode (one test instead of a split, a map and a join).
  if (PLAIN_PATH.test(rawPath)) return rawPath.endsWith('/') ? rawPath : `${rawPath}/`;
  const uri = rawPath
    .split('/')
    .map((segment) => sdkEncode(decodeFirst ? decode(segment) : segment))
    .join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

const headerValue = (headers: AuthRequest['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

interface Signature {
  ak: string;
  signedHeaders: string;
  signature: string;
}

/** `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>`; undefined if it is not that. */
export function parseAuthorization(value: string): Signature | undefined {
  if (!value.startsWith('SDK-HMAC-SHA256 ')) return undefined;
  let ak: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of value.slice(16).split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 'Access') ak = v;
    else if (key === 'SignedHeaders') signedHeaders = v;
    else if (key === 'Signature') signature = v;
  }
  if (!ak || !signedHeaders || !signature) return undefined;
  return { ak, signedHeaders, signature };
}

/** §8.2: the six lines, the canonical headers ending in their own newline. */
export function canonicalRequest(request: AuthRequest, signedHeaders: string, uri = canonicalUri(request.path)): string {
  let headers = '';
  // SPEC 5.2: a header whose name has `_` is never signed (the gateway drops it, as proxies do): a client that
  // lists one (raw clients signing `X-Project_Id` by hand) signed a value the gateway never sees.
  for (const name of signedHeaders.split(';')) headers += `${name}:${name.includes('_') ? '' : (headerValue(request.headers, name) ?? '')}\n`;
  const literal = headerValue(request.headers, 'x-sdk-content-sha256');
  // §8.7 and §15: the hash of the bytes received, never of a re-serialisation (Python's json.dumps differs).
  // Deviation: the body is hashed as the UTF-8 text it was read as, so a body that is not valid UTF-8 (no SDK
  // sends one) fails verification where the gateway would hash its bytes.
  const payload = literal ?? (request.body ? hash('sha256', request.body) : EMPTY_SHA256);
  return `${request.method}\n${uri}\n${canonicalQuery(request.query)}\n${headers}\n${signedHeaders}\n${payload}`;
}

/** §8.8: lowercase hex HMAC-SHA256, keyed with the secret key, of the string to sign. */
export function sdkSignature(canonical: string, sdkDate: string, sk: Buffer | string): string {
  // crypto.hash: one call and no Hash object, cheaper than createHash for a short input (about 2 µs a check here).
  const stringToSign = `SDK-HMAC-SHA256\n${sdkDate}\n${hash('sha256', canonical)}`;
  return createHmac('sha256', sk).update(stringToSign).digest('hex');
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** `20261122T085155Z` as milliseconds, or NaN. */
export function parseSdkDate(value: string): number {
  const m = SDK_DATE.exec(value);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // A date that Date.UTC rolls over (month 13, second 61) is not one.
  const back = new Date(ms);
  return back.getUTCDate() === d && back.getUTCHours() === h && back.getUTCSeconds() === s ? ms : NaN;
}

/** Milliseconds as `YYYYMMDDTHHMMSSZ`. */
export function formatSdkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

const redactSecrets = (canonical: string) =>
  canonical.replace(/^(x-security-token|x-auth-token|authorization):.*$/gm, (_line, name: string) => `${name}:[redacted]`);

/**
 * A bodiless signed request that verified, with all its signature covers: the method, the path and query as
 * received, the signed headers' values and a literal payload hash. Another request alike in all of it, under the
 * same Authorization (which holds the signature), verifies too.
 */
export interface VerifiedRequest {
  method: string;
  path: string;
  query: string;
  names: string[];
  values: Array<string | undefined>;
  contentSha: string | undefined;
  ak: string;
  key: AccessKey;
  signedAt: number;
  sdkDate: string;
}

function verifiedRequest(request: AuthRequest, authorization: string, signature: Signature, key: AccessKey, signedAt: number, sdkDate: string): VerifiedRequest & { authorization: string } {
  const names = signature.signedHeaders.split(';');
  return {
    authorization,
    method: request.method,
    path: request.path,
    query: request.query,
    names,
    values: names.map((name) => headerValue(request.headers, name)),
    contentSha: headerValue(request.headers, 'x-sdk-content-sha256'),
    ak: signature.ak,
    key,
    signedAt,
    sdkDate,
  };
}

const sameRequest = (seen: VerifiedRequest, request: AuthRequest): boolean => {
  if (request.body !== undefined || seen.method !== request.method || seen.path !== request.path || seen.query !== request.query) return false;
  if (seen.contentSha !== headerValue(request.headers, 'x-sdk-content-sha256')) return false;
  for (let i = 0; i < seen.names.length; i++) if (headerValue(request.headers, seen.names[i]!) !== seen.values[i]) return false;
  return true;
};

/**
 * SPEC 5: the one check. Answers undefined in `off` mode (nothing to record), else what the journal keeps;
 * `failure` is set on a rejected request: the 401 to answer with.
 */
export function authenticate(request: AuthRequest, settings: AuthSettings, nowMs: number): { result: AuthResult; failure?: VendorError } | undefined {
  const mode = settings.mode;
  if (mode === 'off') return undefined;
  // Deviation: the gateway locks an access key for 5 minutes after more than 5 failures in a row
  // (error-codes.md §2a); the mock never does, so a test can fail on purpose as often as it likes.
  const authorization = headerValue(request.headers, 'authorization');
  const token = headerValue(request.headers, 'x-auth-token');
  const reject = (reason: string, credential: AuthResult['credential'], extra: Partial<AuthResult> = {}) => rejected(mode, credential, reason, extra);
  // The gateway's word when neither credential is there (error-codes.md §2a), in both modes.
  if (!authorization && !token) return reject('x-auth-token not found', 'none');
  const credential = token ? 'token' : 'aksk';
  let accessKey: string | undefined;
  let key: AccessKey | undefined;
  if (mode === 'verify') {
    if (token) {
      // A token the gateway did not issue is one it cannot decrypt.
      // Deviation: a token is any configured string; it neither expires nor is scoped to a project, as IAM's are.
      if (!settings.hasToken(token)) return reject('decrypt token fail', 'token');
    } else {
      // The same request again (a poll loop, a load test, within the second it was signed): what it signed was
      // verified, so only the clock and the projects are checked again.
      const seen = settings.verifiedBefore(authorization!);
      if (seen !== undefined && sameRequest(seen, request)) {
        const late = expiry(seen.signedAt, seen.sdkDate, nowMs);
        if (late) return reject(late, 'aksk', { access_key: seen.ak });
        return accepted(request, mode, credential, seen.ak, seen.key);
      }
      const signature = parseAuthorization(authorization!);
      // Deviation: the gateway's words for an Authorization it cannot read (another scheme, V11-HMAC-SHA256's
      // derived signing, a missing part) are not documented; the mock calls it a signature that does not verify.
      if (!signature) return reject('verify aksk signature fail', 'aksk');
      accessKey = signature.ak;
      key = settings.accessKey(signature.ak);
      if (!key) return reject(`ak ${signature.ak} not exist`, 'aksk', { access_key: accessKey });
      const sdkDate = headerValue(request.headers, 'x-sdk-date') ?? '';
      const signedAt = parseSdkDate(sdkDate);
      const late = expiry(signedAt, sdkDate, nowMs);
      if (late) return reject(late, 'aksk', { access_key: accessKey });
      const canonical = canonicalRequest(request, signature.signedHeaders);
      if (!sameHex(sdkSignature(canonical, sdkDate, key.sk), signature.signature)) {
        // The Node SDK signs the path as sent; other SDKs decode it first (§12.11): either verifies.
        // Deviation: the gateway presumably takes one of the two; which one is not documented.
        const decoded = request.path.includes('%') ? canonicalRequest(request, signature.signedHeaders, canonicalUri(request.path, true)) : undefined;
        if (!decoded || !sameHex(sdkSignature(decoded, sdkDate, key.sk), signature.signature)) {
          return reject('verify aksk signature fail', 'aksk', { access_key: accessKey, canonical_request: redactSecrets(canonical) });
        }
      }
      if (request.body === undefined) settings.rememberVerified(verifiedRequest(request, authorization!, signature, key, signedAt, sdkDate));
    }
  } else if (!token) {
    // Presence: whoever the request says signed it, for the journal; nothing is checked.
    accessKey = parseAuthorization(authorization!)?.ak;
  }
  return accepted(request, mode, credential, accessKey, key);
}

/** A refusal: what the journal keeps, and the 401 to answer. */
const rejected = (mode: Exclude<AuthMode, 'off'>, credential: AuthResult['credential'], reason: string, extra: Partial<AuthResult> = {}) => ({
  result: { mode, outcome: 'rejected' as const, credential, reason, ...extra },
  failure: iamAuthFailed(reason),
});

/**
 * The gateway's detail when `X-Sdk-Date` is more than 15 minutes from the server clock, either way; undefined
 * when it is within. Whole seconds, as the two times are written in the message.
 * Deviation: a missing or malformed X-Sdk-Date gets the expiry message too; the gateway's is not documented.
 */
function expiry(signedAt: number, sdkDate: string, nowMs: number): string | undefined {
  const now = Math.floor(nowMs / 1000) * 1000;
  if (Math.abs(now - signedAt) <= MAX_SKEW_MS) return undefined;
  return `calc aksk signature fail:signature expired, signature time:${sdkDate},server time:${formatSdkDate(now)}`;
}

/** After the credential itself: the project checks (SPEC 5.3), and the answer. */
function accepted(
  request: AuthRequest,
  mode: Exclude<AuthMode, 'off'>,
  credential: AuthResult['credential'],
  accessKey: string | undefined,
  key: AccessKey | undefined,
): { result: AuthResult; failure?: VendorError } {
  const extra = accessKey !== undefined ? { access_key: accessKey } : {};
  const reject = (reason: string) => rejected(mode, credential, reason, extra);
  // SPEC 5.3: the project header (either spelling, SPEC 1.3) must name the path's project.
  const header = headerValue(request.headers, 'x-project-id') ?? headerValue(request.headers, 'x-project_id');
  if (header !== undefined && request.projectId !== undefined && header !== request.projectId) {
    // Deviation: the gateway's words for this are not documented; these are the mock's.
    return reject(`the project id ${header} in X-Project-Id differs from the project id ${request.projectId} in the URL`);
  }
  if (key?.projects && request.projectId !== undefined && !key.projects.has(request.projectId)) {
    // Deviation: the gateway's words for this are not documented; these are the mock's.
    return reject(`ak ${accessKey} may not access project ${request.projectId}`);
  }
  return { result: { mode, outcome: 'accepted', credential, ...extra } };
}
