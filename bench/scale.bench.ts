// npm run bench: how the cost of a list request grows with the store. The same requests run against stores of
// growing size (generated tasks per kind, beside the default fixtures), and each figure is the server's CPU
// time per request (process.cpuUsage over a batch of inject() calls) as a ratio to the same request on the
// default fixtures alone, measured in the same run. BENCH_SCALE_SIZES=0,10000,100000 picks the sizes; the size
// `large` is a file store with 1,000,000 transcoding and 1,000,000 remux tasks (the remux list has filters of its own)
// and 100,000 of each other kind (a few minutes to build).
import { buildApp } from '../src/app.js';
import { loadContract, loadControlContract } from '../src/contract/openapi.js';
import { MockClock } from '../src/domain/steering/clock.js';
import { createMpcService } from '../src/domain/mpc-service.js';
import { mergeFixtureSets, parseFixtureFile, readFixtureFiles, DEFAULT_FIXTURES_DIR } from '../src/fixture-format/fixture-files.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFixtures, generateTasks } from '../src/fixture-format/generate-fixtures.js';
import { createTaskStore } from '../src/storage/tasks/task-store.js';

const SIZES = (process.env.BENCH_SCALE_SIZES ?? '0,10000,100000').split(',').map((s) => (s === 'large' ? -1 : Number(s)));
const LARGE = {
  transcodings: 1_000_000,
  thumbnails: 100_000,
  'animated-graphics': 100_000,
  encryptions: 100_000,
  'extract-metadata': 100_000,
  remux: 1_000_000,
  'merge-channels': 100_000,
  'reset-tracks': 100_000,
  'editing-jobs': 100_000,
  enhancements: 100_000,
};
// A bucket and an object the generated remux tasks read (seed 1 draws its buckets first, whatever the count).
const remuxInput = (generateFixtures({ count: { remux: 1 }, seed: 1 }).remux![0]!.input as { bucket: string; object: string });
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const contract = loadContract();
const controlContract = loadControlContract();
const defaults = mergeFixtureSets(readFixtureFiles(contract, DEFAULT_FIXTURES_DIR));

const REQUESTS: Record<string, (perKind: number) => string> = {
  'page 0, size 10': () => '/v1/p/transcodings',
  'page 0, size 100': () => '/v1/p/transcodings?size=100',
  'last page, size 100': (n) => `/v1/p/transcodings?size=100&page=${Math.max(0, Math.ceil((n + 13) / 100) - 1)}`,
  'page 1000, size 100 (or the last)': (n) => `/v1/p/transcodings?size=100&page=${Math.min(1000, Math.max(0, Math.ceil((n + 13) / 100) - 1))}`,
  'status filter': () => '/v1/p/thumbnails?status=FAILED',
  'status + time window': () => '/v1/p/encryptions?status=SUCCEEDED&start_time=20251101000000&end_time=20251115000000',
  'task_id poll': () => '/v1/p/transcodings?task_id=22123973',
  'snapshot details': () => '/v1/p/asset/thumbnail/details?task_id=7684',
  '400 (size=0)': () => '/v1/p/transcodings?size=0',
  // The later kinds (SPEC 9.1): their lists are the same implementation; remux adds its input filters.
  'extract page 1000, size 100': (n) => `/v1/p/extract-metadata?size=100&page=${Math.min(1000, Math.max(0, Math.ceil((n + 15) / 100) - 1))}`,
  'remux page 1000, size 100': (n) => `/v1/p/remux?size=100&page=${Math.min(1000, Math.max(0, Math.ceil((n + 15) / 100) - 1))}`,
  'remux input_bucket, page 0': () => `/v1/p/remux?input_bucket=${remuxInput.bucket}`,
  'remux input_object, page 0': () => `/v1/p/remux?input_object=${encodeURIComponent(remuxInput.object)}`,
  'merge channels status filter': () => '/v1/p/audio/services/merge_channels/task?status=FAILED',
  'editing job_id poll': () => '/v1/p/editing/jobs?job_id=63001',
  'enhancements status + window': () => '/v1/p/enhancements?status=SUCCEEDED&start_time=20251101000000&end_time=20251115000000',
  'transcode detail poll': () => '/v1/p/transcodings/detail?task_id=22123973',
};

async function measure(size: number): Promise<Record<string, number>> {
  const perKind = size === -1 ? LARGE.transcodings : size;
  let store;
  if (size === -1) {
    const dir = mkdtempSync(join(tmpdir(), 'mpc-scale-'));
    store = createTaskStore({ filename: join(dir, 'large.db') });
    const started = performance.now();
    await store.seed(defaults.tasks, defaults.details, defaults.templates, (function* () {
      for (const { kind, task } of generateTasks({ count: LARGE, seed: 1 })) yield { kind: kind.name, projectId: null, task };
    })());
    console.log(`large file store: ${Object.values(LARGE).reduce((a, b) => a + b)} generated tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } else {
    const sets = [{ name: 'defaults', set: defaults }];
    if (perKind > 0) sets.push({ name: 'generated', set: parseFixtureFile(contract, 'generated', generateFixtures({ count: perKind, seed: 1 })) });
    const set = mergeFixtureSets(sets);
    store = createTaskStore();
    store.replaceAll(set.tasks, set.details, set.templates);
  }
  const app = await buildApp({ contract, controlContract, service: createMpcService({ store, clock: new MockClock() }) });
  const result: Record<string, number> = {};
  for (const [name, url] of Object.entries(REQUESTS)) {
    const path = url(perKind);
    for (let i = 0; i < ROUNDS / 4; i++) await app.inject({ method: 'GET', url: path });
    const batches: number[] = [];
    for (let b = 0; b < 5; b++) {
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < ROUNDS / 5; i++) await app.inject({ method: 'GET', url: path });
      const cpu = process.cpuUsage(cpu0);
      batches.push((cpu.user + cpu.system) / (ROUNDS / 5));
    }
    result[name] = batches.sort((a, b) => a - b)[2]!;
  }
  await app.close();
  store.close();
  return result;
}

const bySize = new Map<number, Record<string, number>>();
// A first pass warms the JIT, so the baseline is not the one measured cold.
await measure(SIZES[0]!);
for (const size of SIZES) bySize.set(size, await measure(size));
const base = bySize.get(SIZES[0]!)!;
// A page of 100 tasks costs more to write than the default fixtures' 13 whatever the store: compare those
// rows across the larger sizes, where the pages are full.
console.log(`CPU µs per request (median of 5 batches of ${ROUNDS / 5}), and × the same request on ${SIZES[0] === 0 ? 'the default fixtures' : `${SIZES[0]} per kind`}`);
console.log(['request'.padEnd(36), ...SIZES.map((s) => (s === -1 ? 'large (2×1M + 8×100k)' : `${s} per kind`).padStart(22))].join(''));
for (const name of Object.keys(REQUESTS)) {
  const cells = SIZES.map((s) => {
    const v = bySize.get(s)![name]!;
    return `${v.toFixed(0)} µs ${(v / base[name]!).toFixed(2)}×`.padStart(22);
  });
  console.log([name.padEnd(36), ...cells].join(''));
}
