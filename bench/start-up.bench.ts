// npm run bench: time from spawning the built CLI to its ready line, as a ratio to a bare node http server
// started the same way in the same run (medians of BENCH_STARTS alternating runs).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STARTS = Number(process.env.BENCH_STARTS ?? 9);

function timeToReady(args: string[], marker: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      if (!out.includes(marker)) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      child.on('exit', () => resolve(ms));
      child.kill('SIGTERM');
    });
    child.on('error', reject);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs = { baseline: [] as number[], defaults: [] as number[], generated: [] as number[] };
for (let i = 0; i < STARTS; i++) {
  runs.baseline.push(await timeToReady(['-e', "require('http').createServer().listen(0,'127.0.0.1',()=>console.log('ready'))"], 'ready'));
  runs.defaults.push(await timeToReady(['dist/cli.js', '--port', '0', '--log-level', 'silent'], 'listening on'));
  runs.generated.push(await timeToReady(['dist/cli.js', '--port', '0', '--log-level', 'silent', '--generate', '10000'], 'listening on'));
}
const base = median(runs.baseline);
console.log(`start-up, medians of ${STARTS}: bare node http server ${base.toFixed(0)} ms (baseline)`);
console.log(`  mpc-mock, default fixtures          ${median(runs.defaults).toFixed(0).padStart(5)} ms = ${(median(runs.defaults) / base).toFixed(1)}x baseline`);
console.log(`  mpc-mock, --generate 10000 (40k)    ${median(runs.generated).toFixed(0).padStart(5)} ms = ${(median(runs.generated) / base).toFixed(1)}x baseline`);
