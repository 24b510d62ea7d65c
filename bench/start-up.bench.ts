// npm run bench: cold start and idle memory of the built CLI, against bare servers started the same way in the
// same run. A start is timed from spawning the process to the first 200 on /_mock/health (the port is read from
// the ready line, since every server here listens on port 0); runs alternate between the servers, in a rotating
// order, and each figure is the median of BENCH_STARTS runs. Idle memory is VmRSS from /proc/<pid>/status after
// the start, 20 requests and 1 s idle. Ratios are to bare Fastify 5 (the bar is 1.5x); bare node http is
// shown as the floor. `measureStartUp()` gives the figures for another bench (BENCHMARKS.md); run as a script,
// this prints them and writes bench/start-up.json.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const READY = /listening on (http:\/\/[^\s,]+)/;
const HEALTH = '/_mock/health';
const REQUESTS = 20;
const IDLE_MS = 1000;

/** Each server answers GET /_mock/health and prints `listening on <url>` once it listens. */
export const SERVERS = {
  'bare node http': [
    '-e',
    `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('{"status":"ok"}'); })
      .listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`,
  ],
  'bare Fastify 5': [
    '-e',
    `const app = require('fastify')();
     app.get('${HEALTH}', async () => ({ status: 'ok' }));
     app.listen({ port: 0, host: '127.0.0.1' }).then((url) => console.log('listening on ' + url));`,
  ],
  // As a user starts it: the default log level (info) included.
  'mpc-mock, default fixtures': ['dist/cli.js', '--port', '0'],
  'mpc-mock, --generate 10000 (40k tasks)': ['dist/cli.js', '--port', '0', '--generate', '10000'],
} as const;
const BASELINE = 'bare Fastify 5';

/** A GET with node:http, whose cost is small and steady (fetch loads undici on its first call, mid-measurement). */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** One cold start: ms to the first 200 on the health path, and VmRSS (MB) once it has served and idled. */
function startOnce(args: readonly string[]): Promise<{ ms: number; rssMb: number }> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let ready = false;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!ready) reject(new Error(`${args.join(' ')} exited ${code} before it was ready: ${out}`));
    });
    child.stdout.on('data', (chunk) => {
      // Past the ready line the output (the mock's request log) is only drained.
      if (ready) return;
      out += String(chunk);
      const m = READY.exec(out);
      if (!m) return;
      ready = true;
      const url = m[1]! + HEALTH;
      (async () => {
        const status = await get(url);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (status !== 200) throw new Error(`${args.join(' ')}: ${HEALTH} answered ${status}`);
        for (let i = 1; i < REQUESTS; i++) await get(url);
        await new Promise((r) => setTimeout(r, IDLE_MS));
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
        return { ms, rssMb: rssKb / 1024 };
      })().then(resolve, (error: unknown) => {
        child.kill('SIGKILL');
        reject(error);
      });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface StartUpFigures {
  date: string;
  machine: string;
  starts: number;
  baseline: string;
  servers: Record<string, { ms: number; rssMb: number; msRatio: number; rssRatio: number }>;
}

/** `servers`: these, or others beside them (another build of the mock, to compare), as node arguments. */
export async function measureStartUp(starts = Number(process.env.BENCH_STARTS ?? 9), servers: Record<string, readonly string[]> = SERVERS): Promise<StartUpFigures> {
  const names = Object.keys(servers);
  if (!names.includes(BASELINE)) throw new Error(`the servers must include ${BASELINE}, the baseline`);
  const runs = Object.fromEntries(names.map((n) => [n, [] as Array<{ ms: number; rssMb: number }>]));
  // One start that is not counted, so that this process's own first-time costs land in no figure.
  await startOnce(servers[BASELINE]!);
  for (let i = 0; i < starts; i++) {
    // A rotating order, so that no server always runs right after the same other one.
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      runs[name]!.push(await startOnce(servers[name]!));
    }
  }
  const base = { ms: median(runs[BASELINE]!.map((r) => r.ms)), rssMb: median(runs[BASELINE]!.map((r) => r.rssMb)) };
  const figures: StartUpFigures['servers'] = {};
  for (const n of names) {
    const ms = median(runs[n]!.map((r) => r.ms));
    const rssMb = median(runs[n]!.map((r) => r.rssMb));
    figures[n] = { ms, rssMb, msRatio: ms / base.ms, rssRatio: rssMb / base.rssMb };
  }
  return { date: new Date().toISOString(), machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`, starts, baseline: BASELINE, servers: figures };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await measureStartUp();
  console.log(`start-up, medians of ${figures.starts} alternating runs (time to the first 200 on ${HEALTH}; VmRSS after ${REQUESTS} requests and ${IDLE_MS / 1000} s idle), ratios to ${BASELINE}:`);
  for (const [name, f] of Object.entries(figures.servers)) {
    console.log(
      `  ${name.padEnd(40)} ${f.ms.toFixed(0).padStart(5)} ms = ${f.msRatio.toFixed(2)}x   ${f.rssMb.toFixed(1).padStart(6)} MB = ${f.rssRatio.toFixed(2)}x`,
    );
  }
  writeFileSync(new URL('start-up.json', import.meta.url), JSON.stringify(figures, null, 2) + '\n');
  console.log('wrote bench/start-up.json');
}
