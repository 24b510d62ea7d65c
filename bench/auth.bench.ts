// npm run bench: what authentication costs (SPEC 5). One mock process, the same signed GET (a poll by task id,
// as clients send most), loaded with --auth off and with --auth verify in turns on the same server (switched by
// PUT /_mock/auth), so both meet the same process, heap and machine. The request is signed as the Huawei SDK
// signs it (mpc-api.md §8) with the mock's clock frozen at its X-Sdk-Date, so the signature stays valid for the
// whole run. Two loads: the same signed request over and over (verification remembered), and every request
// signed anew with a nonce header of the bench's own (the full check each time). Prints req/s and the server's
// CPU µs per request for each mode, and verify's share of off's req/s (the issue asks for at least 85%).
// Needs dist/ (npm run build).
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { load, median, startServer, type LoadResult, type NextRequest } from './lib.js';

const SECONDS = Number(process.env.BENCH_AUTH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_AUTH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const P = '0123456789abcdef0123456789abcdef';
const PATH = `/v1/${P}/transcodings`;
const QUERY = 'task_id=22123973';
const DATE = '20261125T100000Z';

const dir = mkdtempSync(join(tmpdir(), 'mpc-auth-bench-'));
const credentials = join(dir, 'credentials.json');
writeFileSync(credentials, JSON.stringify({ access_keys: [{ ak: 'BENCHAK', sk: 'BENCHSK', projects: [P] }] }));
const mock = await startServer(['dist/cli.js', '--port', '0', '--log-level', 'warn', '--auth', 'verify', '--credentials', credentials], /listening on (http:\/\/\S+)/);

const control = async (path: string, body: object) => {
  const res = await fetch(mock.url + path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
};
await control('/_mock/clock', { frozen: true, now: '2026-11-25T10:00:00.000Z' });

// Signed as the SDK signs it: content-type, host, x-project-id and x-sdk-date (and, for a request signed anew
// each time, a nonce header of the bench's own among the signed ones: every signature differs, the answer not).
const host = new URL(mock.url).host;
function sign(nonce?: number): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', host, 'x-project-id': P, 'x-sdk-date': DATE };
  if (nonce !== undefined) headers['x-bench-nonce'] = String(nonce);
  const names = Object.keys(headers).sort();
  const canonical = ['GET', `${PATH}/`, QUERY, names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), createHash('sha256').update('').digest('hex')].join('\n');
  const signature = createHmac('sha256', 'BENCHSK').update(`SDK-HMAC-SHA256\n${DATE}\n${createHash('sha256').update(canonical).digest('hex')}`).digest('hex');
  headers.authorization = `SDK-HMAC-SHA256 Access=BENCHAK, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return headers;
}
const headers = sign();
let nonce = 0;
const signedAnew: NextRequest = () => ({ path: `${PATH}?${QUERY}`, headers: sign(++nonce) });

const check = await fetch(`${mock.url}${PATH}?${QUERY}`, { headers });
if (check.status !== 200) throw new Error(`the signed request answered ${check.status}: ${await check.text()}`);

// Two loads: the same signed request again and again (what a load test or a tight poll loop sends within one
// second: verification is remembered), and every request signed anew (what the check itself costs). In both,
// the load generator does the same work for off and verify.
const LOADS = { repeated: `${PATH}?${QUERY}`, 'signed anew': signedAnew } as const;
type Row = { load: keyof typeof LOADS; mode: 'off' | 'verify' };
const results = new Map<string, LoadResult[]>();
await autocannon({ url: `${mock.url}${PATH}?${QUERY}`, connections: CONNECTIONS, duration: 1, headers });
for (let round = 0; round < ROUNDS; round++) {
  for (const loadName of Object.keys(LOADS) as Array<keyof typeof LOADS>) {
    // Alternating, and in the other order every other round, so that neither mode always runs on a warmer process.
    for (const mode of round % 2 === 0 ? (['off', 'verify'] as const) : (['verify', 'off'] as const)) {
      await control('/_mock/auth', { mode });
      const r = await load(mock, LOADS[loadName], CONNECTIONS, SECONDS, headers);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${loadName}, ${mode}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
      const key = `${loadName}|${mode}`;
      results.set(key, [...(results.get(key) ?? []), r]);
    }
  }
}
await mock.stop();

const summary = ({ load, mode }: Row) => {
  const rs = results.get(`${load}|${mode}`)!;
  return { rps: median(rs.map((r) => r.rps)), cpuUs: median(rs.map((r) => r.cpuUsPerRequest)) };
};
console.log(`auth bench: GET ${PATH}?${QUERY}, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per mode (medians)`);
for (const loadName of Object.keys(LOADS) as Array<keyof typeof LOADS>) {
  const off = summary({ load: loadName, mode: 'off' });
  const verify = summary({ load: loadName, mode: 'verify' });
  console.log(`  ${loadName}:`);
  console.log(`    off     ${off.rps.toFixed(0).padStart(7)} req/s  ${off.cpuUs.toFixed(1).padStart(6)} µs CPU/request`);
  console.log(`    verify  ${verify.rps.toFixed(0).padStart(7)} req/s  ${verify.cpuUs.toFixed(1).padStart(6)} µs CPU/request`);
  console.log(`    verify/off: ${((verify.rps / off.rps) * 100).toFixed(1)}% of the req/s, ${(verify.cpuUs - off.cpuUs).toFixed(1)} µs more CPU per request`);
}
