// npm run bench: list queries on a large store, as ratios to a baseline measured in the same run (the
// health endpoint through the same app), so the figures mean something on a shared, noisy machine.
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadContract, loadControlContract } from '../src/contract/openapi.js';
import { MockClock } from '../src/domain/steering/clock.js';
import { createMpcService } from '../src/domain/mpc-service.js';
import { parseFixtureFile } from '../src/fixture-format/fixture-files.js';
import { generateFixtures } from '../src/fixture-format/generate-fixtures.js';
import { createTaskStore } from '../src/storage/tasks/task-store.js';

const PER_KIND = Number(process.env.BENCH_TASKS_PER_KIND ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2_000);

const contract = loadContract();
let t0 = performance.now();
const set = parseFixtureFile(contract, 'bench', generateFixtures({ count: PER_KIND, seed: 1 }));
const generateMs = performance.now() - t0;
const store = createTaskStore();
t0 = performance.now();
store.replaceAll(set.tasks, set.details);
const loadMs = performance.now() - t0;
const app = await buildApp({ contract, controlContract: loadControlContract(), service: createMpcService({ store, clock: new MockClock() }) });

async function median(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const res = await app.inject({ method: 'GET', url });
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}`);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const baseline = await median('/_mock/health');
const cases: Record<string, string> = {
  'first page, size 10': '/v1/p/transcodings',
  'first page, size 100': '/v1/p/transcodings?size=100',
  'page 90 of 100, size 100': '/v1/p/transcodings?size=100&page=90',
  'status filter, size 10': '/v1/p/thumbnails?status=FAILED',
  'time window, size 10': '/v1/p/encryptions?start_time=20251101000000&end_time=20251115000000',
  '10 task ids': `/v1/p/animated-graphics?${Array.from({ length: 10 }, (_, i) => `task_id=${900_000_001 + i * 37}`).join('&')}`,
  'snapshot details': '/v1/p/asset/thumbnail/details?task_id=900000001',
};
console.log(`tasks: ${set.tasks.length} (${PER_KIND} per kind); generate+validate ${generateMs.toFixed(0)} ms; load ${loadMs.toFixed(0)} ms`);
console.log(`baseline GET /_mock/health: median ${(baseline * 1000).toFixed(0)} µs over ${ROUNDS} requests`);
for (const [name, url] of Object.entries(cases)) {
  const m = await median(url);
  console.log(`${name.padEnd(28)} median ${(m * 1000).toFixed(0).padStart(6)} µs  = ${(m / baseline).toFixed(2)}× baseline`);
}
await app.close();
store.close();
