// npm run bench: the mock under real HTTP load, against a bare Fastify 5 server that answers the same bytes
// from memory, in the same run. Both run as their own processes; autocannon (in this process) loads one at a
// time; each figure is req/s and the server's CPU time per request (utime + stime from /proc/<pid>/stat over
// the run, divided by the requests it answered), as a ratio to the bare server's. On 2 cores the load
// generator caps the bare baseline's req/s, so the CPU per request is the figure that says what the mock costs.
// Results go to bench/results.json and BENCHMARKS.md, with a chart (bench/results.svg).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import autocannon from 'autocannon';

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 10);
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
};

const TICKS = 100; // USER_HZ on Linux
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

function start(command: string[], ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const m = ready.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited ${code}: ${out}`)));
  });
}

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

async function load(url: string, pid: number) {
  const cpu0 = cpuSeconds(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  const cpu = cpuSeconds(pid) - cpu0;
  const requests = result.requests.total;
  return { rps: result.requests.average, cpuUsPerRequest: (cpu * 1e6) / Math.max(1, requests), p99: result.latency.p99, errors: result.errors + result.non2xx * 0 };
}

const mock = await start(['dist/cli.js', '--port', '0', '--log-level', 'warn'], /listening on (http:\/\/\S+)/);
const answers: Record<string, { status: number; body: string }> = {};
for (const path of Object.values(REQUESTS)) {
  const res = await fetch(mock.url + path);
  answers[path] = { status: res.status, body: await res.text() };
}
const bare = await start(['-e', BARE, JSON.stringify(answers)], /bare listening on (http:\/\/\S+)/);

// BENCH_HTTP_ONLY=<substring>: only the requests whose name contains it (for a quick look; nothing is written).
const ONLY = process.env.BENCH_HTTP_ONLY;
const rows: Array<{ request: string; mock: Awaited<ReturnType<typeof load>>; bare: Awaited<ReturnType<typeof load>> }> = [];
for (const [name, path] of Object.entries(REQUESTS)) {
  if (ONLY && !name.includes(ONLY)) continue;
  // Warm both, then measure each.
  await autocannon({ url: mock.url + path, connections: CONNECTIONS, duration: 1 });
  await autocannon({ url: bare.url + path, connections: CONNECTIONS, duration: 1 });
  const m = await load(mock.url + path, mock.child.pid!);
  const b = await load(bare.url + path, bare.child.pid!);
  rows.push({ request: name, mock: m, bare: b });
  console.log(
    `${name.padEnd(24)} mock ${m.rps.toFixed(0).padStart(6)} req/s ${m.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req | ` +
      `bare ${b.rps.toFixed(0).padStart(6)} req/s ${b.cpuUsPerRequest.toFixed(0).padStart(5)} µs CPU/req | ` +
      `CPU ${(m.cpuUsPerRequest / b.cpuUsPerRequest).toFixed(2)}×, req/s ${(m.rps / b.rps).toFixed(2)}×`,
  );
}
mock.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
if (ONLY) process.exit(0);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
const date = new Date().toISOString();
writeFileSync('bench/results.json', JSON.stringify({ date, machine, seconds: SECONDS, connections: CONNECTIONS, rows }, null, 2) + '\n');

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
Run: ${date}, ${SECONDS} s per request at ${CONNECTIONS} connections, default fixtures. The baseline is a bare
Fastify 5 server answering the same bytes from memory, measured in the same run; "CPU" is the server process's
utime + stime per request answered (from \`/proc\`), which the shared load generator cannot cap.

| request | mock req/s | mock CPU µs/req | mock p99 ms | bare req/s | bare CPU µs/req | CPU × bare | req/s × bare |
|---|---|---|---|---|---|---|---|
${table}

![CPU per request](bench/results.svg)

Raw figures: \`bench/results.json\`.
`,
);
console.log('wrote bench/results.json, bench/results.svg and BENCHMARKS.md');
