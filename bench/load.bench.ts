// Issue 10, "Nothing breaks it", under load: the built CLI (dist/cli.js, as users run it) gets BENCH_LOAD_SECONDS
// (default 60) of autocannon at BENCH_LOAD_CONNECTIONS (default 200) connections, every request drawn from a
// mix of every endpoint: the four lists with various filters, task_id polls (of fixture tasks and of tasks this
// run created), snapshot details, creates with valid bodies, cancels of created tasks, 400s and 404s. It reports
// req/s, answers by status (and by kind of request), 5xx answers and socket errors/timeouts (both must be 0), and
// the server's resident memory (VmRSS) after the first 10 s and at the end, with their ratio (target: within
// 10%). Figures go to bench/load-results.json. Not a test: `npx tsx bench/load.bench.ts` (it builds first).
//
// Created tasks are data the mock is asked to keep: in the default in-memory store they would grow the resident
// memory with every create, which says nothing about leaks. So the run resets its own projects every
// BENCH_LOAD_RESET_SECONDS (default 5; 0: never) through the control plane, as a test suite does between tests;
// the store then stays about one reset period full, and what grows past that is the server's own. The number of
// tasks created is reported beside the memory.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { CREATE_BODIES } from '../test/create-bodies.js';
import { memoryMb, startServer } from './lib.js';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 200);
const RESET_SECONDS = Number(process.env.BENCH_LOAD_RESET_SECONDS ?? 5);
const FIRST_SAMPLE_S = Math.min(10, SECONDS / 2);

/** Projects the load is spread over: each its own, plus the real-looking id under which fixtures are listed too. */
const PROJECTS = ['0123456789abcdef0123456789abcdef', 'load-a', 'load-b', 'load-c'];
const KINDS = ['transcodings', 'thumbnails', 'animated-graphics', 'encryptions'] as const;
type Kind = (typeof KINDS)[number];
const STATUS: Record<Kind, string[]> = {
  transcodings: ['WAITING', 'TRANSCODING', 'SUCCEEDED', 'FAILED', 'CANCELED'],
  thumbnails: ['WAITING', 'PROCESSING', 'SUCCEEDED', 'FAILED'],
  'animated-graphics': ['INIT', 'WAITING', 'PROCESSING', 'SUCCEED', 'FAILED'],
  encryptions: ['WAITING', 'PROCESSING', 'SUCCEEDED', 'FAILED'],
};
/** The documented examples and some other default fixture tasks, per kind. */
const FIXTURE_IDS: Record<Kind, string[]> = {
  transcodings: ['22123973', '22124112'],
  thumbnails: ['7684'],
  'animated-graphics': ['30647'],
  encryptions: ['31207', '31301'],
};

// A small deterministic generator, so that two runs send the same mix.
let state = 0x9e3779b9;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** Recently created tasks, per kind and project, for polls and cancels (a bounded ring each). */
const created = new Map<string, string[]>();
const remember = (kind: Kind, project: string, id: string) => {
  const key = `${project} ${kind}`;
  const ring = created.get(key) ?? [];
  ring.push(id);
  if (ring.length > 500) ring.shift();
  created.set(key, ring);
};
const recent = (kind: Kind, project: string) => created.get(`${project} ${kind}`) ?? [];

interface Drawn {
  label: string;
  method: string;
  path: string;
  body?: string;
  kind?: Kind;
  project?: string;
}

/** A new object each time: autocannon writes Content-Length into the headers object it is given. */
const jsonHeaders = () => ({ 'content-type': 'application/json' });

/**
 * The mix, by weight: what a busy test suite sends, errors included. (No HEAD: autocannon reads the Content-Length
 * of a HEAD answer as a body to wait for, and times out; test/fuzz.test.ts sends HEAD over a raw socket.)
 */
const MIX: Array<[number, () => Drawn]> = [
  [12, () => ({ label: 'list', method: 'GET', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}` })],
  [4, () => ({ label: 'list size=100', method: 'GET', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}?size=100` })],
  [4, () => ({ label: 'list deep page', method: 'GET', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}?page=${1 + Math.floor(random() * 3)}&size=5` })],
  [
    6,
    () => {
      const kind = pick(KINDS);
      return { label: 'list status', method: 'GET', path: `/v1/${pick(PROJECTS)}/${kind}?status=${pick(STATUS[kind])}` };
    },
  ],
  [
    4,
    () => {
      const kind = pick(KINDS);
      return { label: 'list status+window', method: 'GET', path: `/v1/${pick(PROJECTS)}/${kind}?status=${pick(STATUS[kind])}&start_time=20200101000000&end_time=20301231235959` };
    },
  ],
  [
    8,
    () => {
      const kind = pick(KINDS);
      return { label: 'poll fixture', method: 'GET', path: `/v1/${pick(PROJECTS)}/${kind}?task_id=${pick(FIXTURE_IDS[kind])}` };
    },
  ],
  [
    12,
    () => {
      const kind = pick(KINDS);
      const project = pick(PROJECTS);
      const ids = recent(kind, project);
      const id = ids.length > 0 ? ids[ids.length - 1 - Math.floor(random() * Math.min(ids.length, 50))] : pick(FIXTURE_IDS[kind]);
      return { label: 'poll created', method: 'GET', path: `/v1/${project}/${kind}?task_id=${id}` };
    },
  ],
  [2, () => ({ label: 'poll 10 ids', method: 'GET', path: `/v1/${pick(PROJECTS)}/transcodings?${FIXTURE_IDS.transcodings.concat(recent('transcodings', PROJECTS[0]!).slice(-8)).map((id) => `task_id=${id}`).join('&')}` })],
  [4, () => ({ label: 'snapshot details', method: 'GET', path: `/v1/${pick(PROJECTS)}/asset/thumbnail/details?task_id=7684&offset=${pick([0, 0, 1, 5])}&limit=${pick([20, 5, 100])}` })],
  [
    10,
    () => {
      const kind = pick(KINDS);
      const project = pick(PROJECTS);
      return { label: 'create', method: 'POST', path: `/v1/${project}/${kind}`, body: JSON.stringify(CREATE_BODIES[kind]), kind, project };
    },
  ],
  [
    1,
    () => ({
      label: 'create sync snapshot',
      method: 'POST',
      path: `/v1/${pick(PROJECTS)}/thumbnails`,
      body: JSON.stringify({ ...CREATE_BODIES.thumbnails, sync: 1, thumbnail_para: { type: 'DOTS', dots: [7] } }),
    }),
  ],
  [
    6,
    () => {
      const kind = pick(KINDS);
      const project = pick(PROJECTS);
      const ring = created.get(`${project} ${kind}`);
      // Each created task is cancelled at most once from here: the ring hands it out and forgets it.
      const id = ring && ring.length > 0 ? ring.splice(Math.floor(random() * ring.length), 1)[0]! : '1';
      return { label: 'cancel', method: 'DELETE', path: `/v1/${project}/${kind}?task_id=${id}` };
    },
  ],
  [2, () => ({ label: '400 size=0', method: 'GET', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}?size=0` })],
  [1, () => ({ label: '400 status', method: 'GET', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}?status=BOGUS` })],
  [1, () => ({ label: '400 time', method: 'GET', path: `/v1/${pick(PROJECTS)}/encryptions?start_time=20230230000000` })],
  [1, () => ({ label: '400 body', method: 'POST', path: `/v1/${pick(PROJECTS)}/${pick(KINDS)}`, body: '{"input": {"bucket": 7}}' })],
  [1, () => ({ label: '400 not JSON', method: 'POST', path: `/v1/${pick(PROJECTS)}/encryptions`, body: '{"input":' })],
  [1, () => ({ label: '400 cancel unknown', method: 'DELETE', path: `/v1/${pick(PROJECTS)}/thumbnails?task_id=999999999999` })],
  [2, () => ({ label: '404 path', method: 'GET', path: `/v1/${pick(PROJECTS)}/remuxes` })],
  [1, () => ({ label: '404 method', method: 'PUT', path: `/v1/${pick(PROJECTS)}/transcodings`, body: '{}' })],
];
const TOTAL_WEIGHT = MIX.reduce((n, [w]) => n + w, 0);
const draw = (): Drawn => {
  let r = random() * TOTAL_WEIGHT;
  for (const [w, make] of MIX) if ((r -= w) < 0) return make();
  return MIX[0]![1]();
};

/** Answers by kind of request and status. */
const byLabel = new Map<string, Map<number, number>>();
let createdCount = 0;

console.log('building (npm run build)...');
execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
const server = await startServer(['dist/cli.js', '--port', '0', '--log-level', 'warn'], /listening on (http:\/\/\S+)/);
const pid = server.child.pid!;
console.log(`mock pid ${pid} at ${server.url}; ${SECONDS} s at ${CONNECTIONS} connections; RSS at start ${memoryMb(pid).rss.toFixed(1)} MB`);

const resets = { count: 0, failed: 0 };
const resetTimer =
  RESET_SECONDS > 0
    ? setInterval(() => {
        for (const project of PROJECTS) {
          void fetch(`${server.url}/_mock/reset`, { method: 'POST', headers: jsonHeaders(), body: JSON.stringify({ project_id: project }) }).then(
            (res) => (res.ok ? resets.count++ : resets.failed++),
            () => resets.failed++,
          );
        }
      }, RESET_SECONDS * 1000)
    : undefined;

const samples: Array<{ s: number; rssMb: number }> = [];
const started = performance.now();
const sampler = setInterval(() => samples.push({ s: Math.round((performance.now() - started) / 1000), rssMb: memoryMb(pid).rss }), 5_000);
let firstSample: number | undefined;
const firstTimer = setTimeout(() => (firstSample = memoryMb(pid).rss), FIRST_SAMPLE_S * 1000);

const result = await autocannon({
  url: server.url,
  connections: CONNECTIONS,
  duration: SECONDS,
  requests: [
    {
      setupRequest: (request, context) => {
        const d = draw();
        (context as { drawn?: Drawn }).drawn = d;
        return { ...request, method: d.method as 'GET', path: d.path, headers: d.body !== undefined || d.method === 'DELETE' ? jsonHeaders() : {}, body: d.body ?? '' };
      },
      onResponse: (status, body, context) => {
        const d = (context as { drawn?: Drawn }).drawn;
        if (!d) return;
        const counts = byLabel.get(d.label) ?? new Map<number, number>();
        counts.set(status, (counts.get(status) ?? 0) + 1);
        byLabel.set(d.label, counts);
        if (d.label.startsWith('create') && (status === 202 || status === 200)) createdCount++;
        if (d.label === 'create' && status === 202) {
          try {
            remember(d.kind!, d.project!, String((JSON.parse(body) as { task_id: string | number }).task_id));
          } catch {
            // counted above; an unreadable body would show in the status counts as well
          }
        }
      },
    },
  ],
});
const endRss = memoryMb(pid).rss;
clearInterval(sampler);
clearInterval(resetTimer);
clearTimeout(firstTimer);
samples.push({ s: SECONDS, rssMb: endRss });

const statusCounts: Record<string, number> = {};
for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = count ?? 0;
const fivexx = Object.entries(statusCounts).reduce((n, [code, count]) => n + (Number(code) >= 500 ? count : 0), 0);
const ratio = firstSample ? endRss / firstSample : NaN;
const figures = {
  date: new Date().toISOString(),
  node: process.version,
  seconds: SECONDS,
  connections: CONNECTIONS,
  resetEverySeconds: RESET_SECONDS,
  requests: result.requests.total,
  reqPerSec: Math.round(result.requests.average),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  statusCounts,
  fivexx,
  socketErrors: result.errors,
  timeouts: result.timeouts,
  tasksCreated: createdCount,
  projectResets: resets,
  rssMb: { afterFirstSeconds: FIRST_SAMPLE_S, first: round(firstSample ?? NaN), end: round(endRss), ratio: Math.round(ratio * 1000) / 1000, peak: round(memoryMb(pid).peak) },
  rssSamples: samples.map((x) => ({ s: x.s, rssMb: round(x.rssMb) })),
  byRequest: Object.fromEntries([...byLabel].sort().map(([label, counts]) => [label, Object.fromEntries([...counts].sort(([a], [b]) => a - b))])),
};
await server.stop();
writeFileSync('bench/load-results.json', JSON.stringify(figures, null, 2) + '\n');

function round(x: number) {
  return Math.round(x * 10) / 10;
}

const ok = fivexx === 0 && result.errors === 0 && result.timeouts === 0;
const withinTarget = ratio <= 1.1;
console.log(`
${SECONDS} s at ${CONNECTIONS} connections: ${figures.requests} requests, ${figures.reqPerSec} req/s, p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms, max ${figures.latencyMs.max} ms
by status: ${Object.entries(statusCounts).map(([c, n]) => `${c}: ${n}`).join(', ')}
5xx: ${fivexx}; socket errors: ${result.errors}; timeouts: ${result.timeouts}   ${ok ? 'OK' : 'FAIL (must all be 0)'}
RSS: ${figures.rssMb.first} MB after ${FIRST_SAMPLE_S} s, ${figures.rssMb.end} MB at the end (ratio ${figures.rssMb.ratio}, ${withinTarget ? 'within' : 'NOT within'} 10%); peak ${figures.rssMb.peak} MB
tasks created: ${createdCount}; project resets: ${resets.count} (${resets.failed} failed)
by request:
${Object.entries(figures.byRequest).map(([label, counts]) => `  ${label.padEnd(22)} ${Object.entries(counts).map(([c, n]) => `${c}: ${n}`).join(', ')}`).join('\n')}
written to bench/load-results.json`);
if (!ok || !withinTarget) process.exitCode = 1;
