// npm run bench: the issue 9 targets at scale, over HTTP. One server on the default fixtures and one on a file
// store of 1,000,000 transcodings and 100,000 of each other kind (built once in BENCH_LARGE_DB, opened as it is
// afterwards), the same requests against both, in the same run:
// - CPU per request (from /proc) and p99 at 50 connections, each request asked again and again ("repeated": what
//   a polling suite does, answered before Fastify by src/http/repeat-answers.ts) and each request different ("distinct": a new
//   end_time or task id every time, so that no answer is kept and every request runs its queries);
// - 200 connections opened at once against the large store, distinct requests of every kind: the longest wait;
// - Prism (`prism mock openapi/mpc-api.yaml`), the common alternative, on page 0 beside the mock.
// Figures go to bench/scale-results.json (BENCHMARKS.md is written from it by bench/http.bench.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../src/storage/tasks/task-store.js';
import { load, memoryMb, startServer, type LoadResult, type Server } from './lib.js';

const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 3);
const LARGE_DB = process.env.BENCH_LARGE_DB ?? '/tmp/mpc-mock-bench-large.db';
// 1M of the remux tasks too: the later kinds' list with filters of its own (SPEC 9.1).
const LARGE =
  process.env.BENCH_LARGE ??
  'transcodings=1000000,thumbnails=100000,animated-graphics=100000,encryptions=100000,extract-metadata=100000,remux=1000000,merge-channels=100000,reset-tracks=100000,editing-jobs=100000,enhancements=100000';
const P = '0123456789abcdef0123456789abcdef';
const READY = /listening on (http:\/\/\S+)/;

const fmt = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCFullYear(), 4)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
};
const FAR = Date.UTC(2999, 0, 1);

async function json(server: Server, path: string): Promise<Record<string, unknown>> {
  const res = await fetch(server.url + path);
  return (await res.json()) as Record<string, unknown>;
}

interface RequestSpec {
  name: string;
  repeated: string;
  /** The next of an endless series of requests that ask the same but differ, so that no answer is reused. */
  distinct: () => string;
}

/** The request set of issue 9, as paths on one server (the last page and the task ids depend on its store). */
async function requestSet(server: Server, windowEnd: string): Promise<RequestSpec[]> {
  const total = (await json(server, `/v1/${P}/transcodings`)).total as number;
  const ids: string[] = [];
  for (let page = 0; page < 20 && ids.length < 2000; page++) {
    const tasks = (await json(server, `/v1/${P}/transcodings?size=100&page=${page}`)).task_array as Array<{ task_id: string }>;
    if (tasks.length === 0) break;
    ids.push(...tasks.map((t) => t.task_id));
  }
  // An input bucket of the store's remux tasks (the newest task's), and editing job ids to poll.
  const bucket = ((await json(server, `/v1/${P}/remux`)).tasks as Array<{ input: { bucket: string } }>)[0]!.input.bucket;
  const jobIds: string[] = [];
  for (let page = 0; page < 5; page++) jobIds.push(...((await json(server, `/v1/${P}/editing/jobs?size=100&page=${page}`)).jobs as Array<{ job_id: string }>).map((j) => j.job_id));
  let n = 0;
  const endTime = () => fmt(FAR - ++n * 1000);
  const window = `status=SUCCEEDED&start_time=20200101000000`;
  const windowEndMs = Date.UTC(+windowEnd.slice(0, 4), +windowEnd.slice(4, 6) - 1, +windowEnd.slice(6, 8));
  const list = (name: string, path: string): RequestSpec => ({ name, repeated: path, distinct: () => `${path}${path.includes('?') ? '&' : '?'}end_time=${endTime()}` });
  return [
    list('page 0, size 10', `/v1/${P}/transcodings`),
    list('page 0, size 100', `/v1/${P}/transcodings?size=100`),
    list('last page, size 10', `/v1/${P}/transcodings?page=${Math.max(0, Math.ceil(total / 10) - 1)}`),
    list('page 1000, size 100', `/v1/${P}/transcodings?page=1000&size=100`),
    list('status filter', `/v1/${P}/thumbnails?status=SUCCEEDED`),
    {
      name: 'status + time window',
      repeated: `/v1/${P}/transcodings?${window}&end_time=${windowEnd}`,
      distinct: () => `/v1/${P}/transcodings?${window}&end_time=${fmt(windowEndMs - ++n * 1000)}`,
    },
    { name: 'task_id poll', repeated: `/v1/${P}/transcodings?task_id=22123973`, distinct: () => `/v1/${P}/transcodings?task_id=${ids[++n % ids.length]}` },
    // The later kinds (SPEC 9.1): the same list implementation over their own envelopes, and remux's input filters.
    list('extract page 0', `/v1/${P}/extract-metadata`),
    list('remux page 1000, size 100', `/v1/${P}/remux?page=1000&size=100`),
    list('remux input_bucket', `/v1/${P}/remux?input_bucket=${bucket}`),
    list('remux input_bucket, page 1000', `/v1/${P}/remux?input_bucket=${bucket}&page=1000&size=10`),
    list('remux input_bucket + status', `/v1/${P}/remux?input_bucket=${bucket}&status=SUCCEED`),
    list('merge channels status', `/v1/${P}/audio/services/merge_channels/task?status=SUCCEEDED`),
    {
      name: 'enhancements status + window',
      repeated: `/v1/${P}/enhancements?${window}&end_time=${windowEnd}`,
      distinct: () => `/v1/${P}/enhancements?${window}&end_time=${fmt(windowEndMs - ++n * 1000)}`,
    },
    { name: 'editing job_id poll', repeated: `/v1/${P}/editing/jobs?job_id=${jobIds[0]}`, distinct: () => `/v1/${P}/editing/jobs?job_id=${jobIds[++n % jobIds.length]}` },
  ];
}

function describe(r: LoadResult): string {
  return `${r.rps.toFixed(0).padStart(6)} req/s ${r.cpuUsPerRequest.toFixed(0).padStart(5)} µs/req p99 ${String(r.p99).padStart(4)} ms`;
}

// The large store: built once (about a minute), opened as it is on later runs; built again when it was written by
// a version of the mock whose tables differ (the mock refuses to open it).
const layout = existsSync(LARGE_DB) ? (new Database(LARGE_DB, { readonly: true }).pragma('user_version', { simple: true }) as number) : undefined;
const opened = layout === SCHEMA_VERSION;
const large = await startServer(
  ['dist/cli.js', '--port', '0', '--log-level', 'warn', '--db', LARGE_DB, '--generate', LARGE, ...(layout !== undefined && !opened ? ['--fresh'] : [])],
  READY,
  { timeoutMs: 600_000 },
);
console.log(`large store ${LARGE_DB}: ${opened ? 'opened' : 'built'} and ready in ${(large.readyMs / 1000).toFixed(1)} s, RSS ${memoryMb(large.child.pid!).rss.toFixed(0)} MB`);
const small = await startServer(['dist/cli.js', '--port', '0', '--log-level', 'warn'], READY);

// A window end 30 days before the newest generated task: matches fixture tasks and most generated ones.
const newest = ((await json(large, `/v1/${P}/transcodings`)).task_array as Array<{ create_time: string }>)[0]!.create_time;
const windowEnd = fmt(Date.UTC(+newest.slice(0, 4), +newest.slice(4, 6) - 1, +newest.slice(6, 8)) - 30 * 86400_000);
const sets = { small: await requestSet(small, windowEnd), large: await requestSet(large, windowEnd) };

const rows: Array<Record<string, unknown>> = [];
for (let i = 0; i < sets.small.length; i++) {
  const row: Record<string, unknown> = { request: sets.small[i]!.name };
  for (const [storeName, server] of [['small', small], ['large', large]] as const) {
    const spec = sets[storeName][i]!;
    await load(server, spec.repeated, 10, 1); // warm
    row[`${storeName}Repeated`] = await load(server, spec.repeated, 10, SECONDS);
    row[`${storeName}Distinct`] = await load(server, spec.distinct, 10, SECONDS);
    row[`${storeName}Repeated50`] = await load(server, spec.repeated, 50, SECONDS);
    row[`${storeName}Distinct50`] = await load(server, spec.distinct, 50, SECONDS);
  }
  rows.push(row);
  const r = row as Record<string, LoadResult>;
  console.log(`${String(row.request).padEnd(22)} repeated: default ${describe(r.smallRepeated!)} | large ${describe(r.largeRepeated!)} | CPU ${(r.largeRepeated!.cpuUsPerRequest / r.smallRepeated!.cpuUsPerRequest).toFixed(2)}×`);
  console.log(`${''.padEnd(22)} distinct: default ${describe(r.smallDistinct!)} | large ${describe(r.largeDistinct!)} | CPU ${(r.largeDistinct!.cpuUsPerRequest / r.smallDistinct!.cpuUsPerRequest).toFixed(2)}×`);
  console.log(`${''.padEnd(22)} p99 at 50 connections: repeated ${r.smallRepeated50!.p99} / ${r.largeRepeated50!.p99} ms, distinct ${r.smallDistinct50!.p99} / ${r.largeDistinct50!.p99} ms`);
}

// 200 connections at once, every request different and of every kind, against the large store.
let k = 0;
const mixed = () => sets.large[k++ % sets.large.length]!.distinct();
const burst = await load(large, mixed, 200, Math.max(5, SECONDS * 2));
console.log(`200 connections at once, distinct requests of every kind: ${describe(burst)}, longest wait ${burst.max} ms, errors ${burst.errors}, non-2xx ${burst.non2xx}`);
const largeMemory = memoryMb(large.child.pid!);

// Prism on the same document, for page 0 of the transcodings, beside the mock's default store.
let prism: Record<string, unknown> | undefined;
try {
  // Installed once into its own folder (not a dependency of the project), then run with node directly, so that
  // its CPU is its own process's.
  const PRISM_DIR = process.env.BENCH_PRISM_DIR ?? '/tmp/mpc-mock-bench-prism';
  const prismEntry = `${PRISM_DIR}/node_modules/@stoplight/prism-cli/dist/index.js`;
  if (!existsSync(prismEntry)) {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', PRISM_DIR, '@stoplight/prism-cli@5'], { stdio: 'ignore' });
  }
  // Prism prints the port it was given, so it is given a free one.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const server = await startServer([prismEntry, 'mock', '-p', String(port), '-h', '127.0.0.1', 'openapi/mpc-api.yaml'], /Prism is listening on (http:\/\/\S+)/, { timeoutMs: 120_000 });
  const path = sets.small[0]!.repeated;
  await load(server, path, 10, 1);
  const p = await load(server, path, 10, SECONDS);
  const m = await load(small, path, 10, SECONDS);
  prism = { request: sets.small[0]!.name, prism: p, mock: m, prismRssMb: memoryMb(server.child.pid!).rss, mockRssMb: memoryMb(small.child.pid!).rss };
  console.log(`Prism, ${sets.small[0]!.name}: ${describe(p)} | mock ${describe(m)} | mock/Prism req/s ${(m.rps / p.rps).toFixed(1)}×, CPU ${(m.cpuUsPerRequest / p.cpuUsPerRequest).toFixed(2)}×`);
  await server.stop();
} catch (error) {
  console.log(`Prism not run: ${(error as Error).message.split('\n')[0]}`);
}

await large.stop();
await small.stop();
writeFileSync(
  'bench/scale-results.json',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
      seconds: SECONDS,
      large: { spec: LARGE, built: !opened, readyMs: large.readyMs, rssMb: largeMemory.rss, peakMb: largeMemory.peak },
      rows,
      burst,
      prism,
    },
    null,
    2,
  ) + '\n',
);
console.log('wrote bench/scale-results.json');
