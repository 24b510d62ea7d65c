// npm run bench: the mock under real HTTP load, against a bare Fastify 5 server that answers the same bytes
// from memory, in the same run. Both run as their own processes; autocannon (in this process) loads one at a
// time; each figure is req/s and the server's CPU time per request (utime + stime from /proc/<pid>/stat over
// the run, divided by the requests it answered), as a ratio to the bare server's. On 2 cores the load
// generator caps the bare baseline's req/s, so the CPU per request is the figure that says what the mock costs.
// Results go to bench/results.json and BENCHMARKS.md, with a chart (bench/results.svg).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { load as loadServer, median, startServer, type LoadResult, type Server } from './lib.js';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

/** Each figure the median of the rounds' (CPU per request, req/s, p99 each on its own). */
function medianRun(runs: LoadResult[]): LoadResult {
  return { ...runs[0]!, rps: median(runs.map((r) => r.rps)), cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)), p99: median(runs.map((r) => r.p99)) };
}
const P = '0123456789abcdef0123456789abcdef';
const REQUESTS: Record<string, string> = {
  'page 0, size 10': `/v1/${P}/transcodings`,
  'page 0, size 100': `/v1/${P}/transcodings?size=100`,
  'last page, size 5': `/v1/${P}/transcodings?size=5&page=2`,
  'status filter': `/v1/${P}/thumbnails?status=SUCCEEDED`,
  'status + time window': `/v1/${P}/encryptions?status=SUCCEEDED&start_time=20201101000000&end_time=20201231235959`,
  'task_id poll': `/v1/${P}/transcodings?task_id=22123973`,
  'snapshot details': `/v1/${P}/asset/thumbnail/details?task_id=7684`,
  '400 (size=0)': `/v1/${P}/transcodings?size=0`,
  '404 (unknown path)': `/v1/${P}/remuxes`,
  // The later kinds (SPEC 9.1, 9.2): the same list implementation, their own envelopes and filters.
  'extraction list': `/v1/${P}/extract-metadata`,
  'remux input_bucket': `/v1/${P}/remux?input_bucket=mpc-mock-demo&size=5`,
  'remux input_object': `/v1/${P}/remux?input_object=remux%2Fsource%2Fpromo-20s.flv`,
  'merge channels status': `/v1/${P}/audio/services/merge_channels/task?status=SUCCEEDED`,
  'reset tracks list': `/v1/${P}/audio/services/reset_tracks/task`,
  'editing job_id poll': `/v1/${P}/editing/jobs?job_id=63001`,
  'enhancements window': `/v1/${P}/enhancements?start_time=20200101000000&end_time=20201231235959`,
  'transcode detail poll': `/v1/${P}/transcodings/detail?task_id=22123973`,
  'stat summary': `/v1/${P}/transcodings/summaries?start_time=20201101&end_time=20201130&stat_type=video_duration`,
};

// The bare baseline: Fastify 5 answering each path with the bytes the mock answers, from memory.
const BARE = `
const Fastify = require('fastify');
const answers = JSON.parse(process.argv[1]);
const app = Fastify({ logger: false });
app.get('/*', (request, reply) => {
  const a = answers[request.url];
  reply.code(a ? a.status : 404).header('content-type', 'application/json;charset=UTF-8').header('x-request-id', '0'.repeat(32)).send(a ? a.body : '{}');
});
app.listen({ port: 0, host: '127.0.0.1' }).then((url) => console.log('bare listening on ' + url));
`;

const load = (server: Server, path: string) => loadServer(server, path, CONNECTIONS, SECONDS);

const mock = await startServer(['dist/cli.js', '--port', '0', '--log-level', 'warn'], /listening on (http:\/\/\S+)/);
const answers: Record<string, { status: number; body: string }> = {};
for (const path of Object.values(REQUESTS)) {
  const res = await fetch(mock.url + path);
  answers[path] = { status: res.status, body: await res.text() };
}
const bare = await startServer(['-e', BARE, JSON.stringify(answers)], /bare listening on (http:\/\/\S+)/);

// BENCH_HTTP_ONLY=<substring>: only the requests whose name contains it (for a quick look; nothing is written).
const ONLY = process.env.BENCH_HTTP_ONLY;
const rows: Array<{ request: string; mock: Awaited<ReturnType<typeof load>>; bare: Awaited<ReturnType<typeof load>> }> = [];
for (const [name, path] of Object.entries(REQUESTS)) {
  if (ONLY && !name.includes(ONLY)) continue;
  // Warm both, then measure each in turns (in the other order every other round), and keep the round whose
  // figures are the median of each: one 5-second run on this shared machine moves by a quarter either way.
  await autocannon({ url: mock.url + path, connections: CONNECTIONS, duration: 1 });
  await autocannon({ url: bare.url + path, connections: CONNECTIONS, duration: 1 });
  const mocks: LoadResult[] = [];
  const bares: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      mocks.push(await load(mock, path));
      bares.push(await load(bare, path));
    } else {
      bares.push(await load(bare, path));
      mocks.push(await load(mock, path));
    }
  }
  const m = medianRun(mocks);
  const b = medianRun(bares);
  rows.push({ request: name, mock: m, bare: b });
  console.log(
    `${name.padEnd(24)} mock ${m.rps.toFixed(0).padStart(6)} req/s ${m.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req | ` +
      `bare ${b.rps.toFixed(0).padStart(6)} req/s ${b.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req | ` +
      `CPU ${(m.cpuUsPerRequest / b.cpuUsPerRequest).toFixed(2)}×, req/s ${(m.rps / b.rps).toFixed(2)}×`,
  );
}
await mock.stop();
await bare.stop();
if (ONLY) process.exit(0);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
const date = new Date().toISOString();
writeFileSync('bench/results.json', JSON.stringify({ date, machine, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, rows }, null, 2) + '\n');

// A chart: CPU per request of the mock and of the bare server, per request kind.
const width = 760;
const barH = 14;
const rowH = 40;
const left = 190;
const max = Math.max(...rows.map((r) => r.mock.cpuUsPerRequest));
const scale = (v: number) => ((width - left - 90) * v) / max;
const bars = rows
  .map((r, i) => {
    const y = 40 + i * rowH;
    return [
      `<text x="${left - 8}" y="${y + barH}" text-anchor="end" font-size="12">${r.request}</text>`,
      `<rect x="${left}" y="${y}" width="${scale(r.mock.cpuUsPerRequest).toFixed(1)}" height="${barH}" fill="#c0392b"/>`,
      `<text x="${left + scale(r.mock.cpuUsPerRequest) + 4}" y="${y + 11}" font-size="11">${r.mock.cpuUsPerRequest.toFixed(0)} µs (${(r.mock.cpuUsPerRequest / r.bare.cpuUsPerRequest).toFixed(1)}×)</text>`,
      `<rect x="${left}" y="${y + barH + 2}" width="${scale(r.bare.cpuUsPerRequest).toFixed(1)}" height="${barH}" fill="#7f8c8d"/>`,
      `<text x="${left + scale(r.bare.cpuUsPerRequest) + 4}" y="${y + barH + 13}" font-size="11">${r.bare.cpuUsPerRequest.toFixed(0)} µs</text>`,
    ].join('');
  })
  .join('\n');
writeFileSync(
  'bench/results.svg',
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${60 + rows.length * rowH}" font-family="sans-serif">
<text x="10" y="22" font-size="14">Server CPU per request: mpc-mock (red) and a bare Fastify server answering the same bytes (grey)</text>
${bars}
</svg>
`,
);

const table = rows
  .map(
    (r) =>
      `| ${r.request} | ${r.mock.rps.toFixed(0)} | ${r.mock.cpuUsPerRequest.toFixed(0)} | ${r.mock.p99} | ${r.bare.rps.toFixed(0)} | ${r.bare.cpuUsPerRequest.toFixed(0)} | ` +
      `${(r.mock.cpuUsPerRequest / r.bare.cpuUsPerRequest).toFixed(2)}× | ${(r.mock.rps / r.bare.rps).toFixed(2)}× |`,
  )
  .join('\n');
writeFileSync(
  'BENCHMARKS.md',
  `# Benchmarks

Written by \`npm run bench\` (\`bench/http.bench.ts\`); the other benches print to the console. Machine: ${machine}.
Run: ${date}, ${ROUNDS} rounds of ${SECONDS} s per request at ${CONNECTIONS} connections (medians), default fixtures. The baseline is a bare
Fastify 5 server answering the same bytes from memory, measured in the same run; "CPU" is the server process's
utime + stime per request answered (from \`/proc\`), which the shared load generator cannot cap.

| request | mock req/s | mock CPU µs/req | mock p99 ms | bare req/s | bare CPU µs/req | CPU × bare | req/s × bare |
|---|---|---|---|---|---|---|---|
${table}

![CPU per request](bench/results.svg)

Raw figures: \`bench/results.json\`.
${scaleSection()}`,
);
console.log('wrote bench/results.json, bench/results.svg and BENCHMARKS.md');

/** The at-scale figures of bench/scale-http.bench.ts, when it has run (npm run bench runs it first). */
function scaleSection(): string {
  if (!existsSync('bench/scale-results.json')) return '';
  type L = { rps: number; cpuUsPerRequest: number; p99: number; max: number; errors: number; non2xx: number };
  const r = JSON.parse(readFileSync('bench/scale-results.json', 'utf8')) as {
    date: string;
    seconds: number;
    large: { spec: string; built: boolean; readyMs: number; rssMb: number };
    rows: Array<Record<string, L> & { request: string }>;
    burst: L;
    prism?: { request: string; prism: L; mock: L; prismRssMb: number; mockRssMb: number };
  };
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const lines = r.rows.map(
    (row) =>
      `| ${String(row.request)} | ${row.smallRepeated!.cpuUsPerRequest.toFixed(0)} | ${row.largeRepeated!.cpuUsPerRequest.toFixed(0)} | ${x(row.largeRepeated!.cpuUsPerRequest, row.smallRepeated!.cpuUsPerRequest)} | ` +
      `${row.smallRepeated50!.p99} / ${row.largeRepeated50!.p99} | ${row.smallDistinct!.cpuUsPerRequest.toFixed(0)} | ${row.largeDistinct!.cpuUsPerRequest.toFixed(0)} | ` +
      `${x(row.largeDistinct!.cpuUsPerRequest, row.smallDistinct!.cpuUsPerRequest)} | ${row.smallDistinct50!.p99} / ${row.largeDistinct50!.p99} |`,
  );
  const prism = r.prism
    ? `Prism (\`prism mock openapi/mpc-api.yaml\`, ${r.prism.request}, same run): ${r.prism.prism.rps.toFixed(0)} req/s and ${r.prism.prism.cpuUsPerRequest.toFixed(0)} µs CPU per ` +
      `request, RSS ${r.prism.prismRssMb.toFixed(0)} MB; the mock ${r.prism.mock.rps.toFixed(0)} req/s and ${r.prism.mock.cpuUsPerRequest.toFixed(0)} µs, RSS ${r.prism.mockRssMb.toFixed(0)} MB: ` +
      `${x(r.prism.mock.rps, r.prism.prism.rps)} Prism's requests per second at ${x(r.prism.mock.cpuUsPerRequest, r.prism.prism.cpuUsPerRequest)} its CPU per request.\n`
    : 'Prism was not run.\n';
  return `
## At scale (\`bench/scale-http.bench.ts\`, ${r.date})

The default fixtures beside a file store of ${r.large.spec.replaceAll(',', ', ')} (${r.large.built ? 'built' : 'opened'}
and ready in ${(r.large.readyMs / 1000).toFixed(1)} s; RSS after the run ${r.large.rssMb.toFixed(0)} MB), the same requests against both,
${r.seconds} s each at 10 connections (CPU µs per request) and at 50 (p99 ms). "Repeated" asks the same request again and
again, as a polling suite does: from the third time on it is answered before Fastify (\`src/http/repeat-answers.ts\`).
"Distinct" makes every request different (a new \`end_time\` or task id), so that each runs its queries.

| request | repeated CPU default | large | × | p99 at 50, default / large | distinct CPU default | large | × | p99 at 50, default / large |
|---|---|---|---|---|---|---|---|---|
${lines.join('\n')}

200 connections opened at once against the large store, distinct requests of every kind: ${r.burst.rps.toFixed(0)} req/s,
p99 ${r.burst.p99} ms, longest wait ${r.burst.max} ms, ${r.burst.errors} errors, ${r.burst.non2xx} non-2xx.

${prism}
Raw figures: \`bench/scale-results.json\`.
`;
}
