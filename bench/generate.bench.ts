// npm run bench: --generate into a file store, end to end, as the CLI does it (issue 9: at least 50,000 tasks
// a second, peak RSS under 300 MB for 1,000,000 transcodings and 100,000 of each other kind), beside the
// generator alone, in the same run. Then the second start on the same file, which must open it as it is, as
// a ratio to the default start measured in the same run. Needs `npm run build` first (it runs dist/cli.js).
//   BENCH_GENERATE  the --generate value (default transcodings=1000000,thumbnails=100000,...)
//   BENCH_STARTS    starts of each kind for the reopen/default medians (default 5)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parseGenerateCount } from '../src/config.js';
import { countFor, generateTasks } from '../src/fixture-format/generate-fixtures.js';
import { TASK_KINDS } from '../src/domain/tasks/task-kinds.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SPEC = process.env.BENCH_GENERATE ?? 'transcodings=1000000,thumbnails=100000,animated-graphics=100000,encryptions=100000';
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const cores = availableParallelism();
const count = parseGenerateCount(SPEC);
if (count === undefined) throw new Error(`BENCH_GENERATE: ${SPEC} is not a --generate value`);
const total = TASK_KINDS.reduce((sum, kind) => sum + countFor(count, kind), 0);
if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: npm run build first');

const line = (label: string, figure: string, rest: string) => console.log(`  ${label.padEnd(40)} ${figure.padStart(8)}  ${rest}`);
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} tasks/s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A /proc/<pid>/status field, in MB. */
const statusMb = (pid: number, field: string) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))![1]) / 1024;
/** CPU seconds every process on the machine has used (from /proc/stat). */
const machineCpuSeconds = () => {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
};
/** CPU seconds the process has used, all its threads. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

interface Start {
  ms: number;
  peakRssMb: number;
  cpuS: number;
  /** CPU seconds used meanwhile by every other process on the machine: the share of the cores it did not get. */
  othersCpuS: number;
}

/** Spawns the built CLI, waits for its ready line, reads its peak RSS (VmHWM) and CPU time, stops it. */
function start(args: string[]): Promise<Start> {
  return new Promise((resolve, reject) => {
    const began = process.hrtime.bigint();
    const machineBefore = machineCpuSeconds();
    const child = spawn(process.execPath, ['dist/cli.js', '--port', '0', '--log-level', 'silent', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let result: Start | undefined;
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (result || !out.includes('listening on')) return;
      const ms = Number(process.hrtime.bigint() - began) / 1e6;
      const cpuS = cpuSeconds(child.pid!);
      result = { ms, peakRssMb: statusMb(child.pid!, 'VmHWM'), cpuS, othersCpuS: machineCpuSeconds() - machineBefore - cpuS };
      child.kill('SIGTERM');
    });
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`mpc-mock exited (${code}) before it was ready: ${out}`))));
    child.once('error', reject);
  });
}

console.log(`--generate ${SPEC}: ${total.toLocaleString('en')} tasks; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on this machine`);

// The generator alone, in this process: what the worker thread does, with and without serialising.
for (const serialise of [false, true]) {
  const began = performance.now();
  let n = 0;
  for (const { task } of generateTasks({ count, seed: 1 })) {
    if (serialise) JSON.stringify(task);
    n++;
  }
  const ms = performance.now() - began;
  line(`generator alone${serialise ? ' + JSON.stringify' : ''}`, `${(ms / 1000).toFixed(1)} s`, rate(n, ms));
}

// End to end: a new file store seeded by the CLI, until it listens.
const db = join(mkdtempSync(join(tmpdir(), 'mpc-generate-bench-')), 'tasks.db');
const args = ['--generate', SPEC, '--db', db];
const seeded = await start(args);
line('seed a new --db, from spawn to ready', `${(seeded.ms / 1000).toFixed(1)} s`, `${rate(total, seeded.ms)}, peak RSS ${seeded.peakRssMb.toFixed(0)} MB, CPU ${seeded.cpuS.toFixed(1)} s ` +
  `(other processes meanwhile: ${seeded.othersCpuS.toFixed(1)} s of ${cores}x${(seeded.ms / 1000).toFixed(1)} s)`);

// A mark in the file: a second start that regenerated the store would not keep it.
const mark = new Database(db);
mark.prepare("INSERT INTO meta (key, value) VALUES ('bench_mark', 1)").run();
const tasks = mark.prepare('SELECT count(*) FROM tasks').pluck().get() as number;
mark.close();

const reopen: number[] = [];
const defaults: number[] = [];
let reopenRss = 0;
for (let i = 0; i < STARTS; i++) {
  defaults.push((await start([])).ms);
  const again = await start(args);
  reopen.push(again.ms);
  reopenRss = Math.max(reopenRss, again.peakRssMb);
}
const check = new Database(db, { readonly: true });
const kept = check.prepare("SELECT value FROM meta WHERE key = 'bench_mark'").pluck().get() === 1;
const tasksAfter = check.prepare('SELECT count(*) FROM tasks').pluck().get() as number;
check.close();
rmSync(db, { force: true });
rmSync(`${db}-wal`, { force: true });
rmSync(`${db}-shm`, { force: true });
if (!kept || tasksAfter !== tasks) throw new Error('the second start did not open the store as it was');

const ratio = median(reopen) / median(defaults);
line(`default start (no --db), median of ${STARTS}`, `${median(defaults).toFixed(0)} ms`, '');
line(`second start on that --db, median of ${STARTS}`, `${median(reopen).toFixed(0)} ms`, `${ratio.toFixed(2)}x the default start, opened as it was (${tasks.toLocaleString('en')} tasks), peak RSS ${reopenRss.toFixed(0)} MB`);
