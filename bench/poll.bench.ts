// npm run bench: what a client's poll of one task costs (GET .../transcodings?task_id=<id>), for a task it
// created that is still progressing, for one that has finished, and for a fixture task, on the same store in
// the same run. Each figure is the median wall time of one inject() and the server's CPU time per request
// (process.cpuUsage over the whole batch), as a ratio to the fixture task's poll.
import { performance } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadContract, loadControlContract } from '../src/contract/openapi.js';
import { MockClock } from '../src/domain/steering/clock.js';
import { LifecycleSettings } from '../src/domain/tasks/lifecycle-settings.js';
import { createMpcService } from '../src/domain/mpc-service.js';
import { mergeFixtureSets, parseFixtureFile, PRESET_TEMPLATES_FILE, readFixtureFile } from '../src/fixture-format/fixture-files.js';
import { generateFixtures } from '../src/fixture-format/generate-fixtures.js';
import { createTaskStore } from '../src/storage/tasks/task-store.js';

const PER_KIND = Number(process.env.BENCH_TASKS_PER_KIND ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 200);

const contract = loadContract();
const set = mergeFixtureSets([readFixtureFile(contract, PRESET_TEMPLATES_FILE), { name: 'bench', set: parseFixtureFile(contract, 'bench', generateFixtures({ count: PER_KIND, seed: 1 })) }]);
const store = createTaskStore();
store.replaceAll(set.tasks, set.details, set.templates);
const clock = new MockClock();
clock.freeze(Date.parse('2026-11-25T10:00:00Z'));
// A slow lifecycle, so the tasks in flight stay in flight while they are polled.
const lifecycle = new LifecycleSettings({ mode: 'time', seconds_per_state: 3600 });
const service = createMpcService({ store, clock, lifecycle });
const app = await buildApp({ contract, controlContract: loadControlContract(), service });

const body = (i: number) => ({
  input: { bucket: 'media-in', location: 'cn-north-4', object: `videos/clip-${i}.mp4` },
  output: { bucket: 'media-out', location: 'cn-north-4', object: `transcoded/clip-${i}` },
  trans_template_id: [7000522, 7000524, 7000525],
});
const create = async (i: number) => (await app.inject({ method: 'POST', url: '/v1/p/transcodings', payload: body(i) })).json().task_id as number;
// Many tasks in flight at once, as a busy test suite has them: the settlement before each read must not care.
const inFlight: number[] = [];
for (let i = 0; i < IN_FLIGHT; i++) inFlight.push(await create(i));
const finished = await create(IN_FLIGHT);
await app.inject({ method: 'POST', url: `/_mock/tasks/transcodings/${finished}/advance?project_id=p` });
await app.inject({ method: 'POST', url: `/_mock/tasks/transcodings/${finished}/advance?project_id=p` });

async function measure(url: string): Promise<{ median: number; cpu: number }> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    const res = await app.inject({ method: 'GET', url });
    times.push(performance.now() - start);
    if (res.statusCode !== 200 || res.json().total !== 1) throw new Error(`${url} answered ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  const cpu = process.cpuUsage(cpu0);
  return { median: times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!, cpu: (cpu.user + cpu.system) / ROUNDS };
}

const cases: Record<string, string> = {
  'created task, in flight': `/v1/p/transcodings?task_id=${inFlight[IN_FLIGHT >> 1]}`,
  'created task, finished': `/v1/p/transcodings?task_id=${finished}`,
  'fixture task (baseline)': '/v1/p/transcodings?task_id=900000001',
};
// Warm every path first, then measure the cases in turn, batch by batch, so that a burst of noise or a
// garbage collection falls on all of them alike; each figure is the median over the batches.
const BATCHES = 7;
for (const url of Object.values(cases)) await measure(url);
const results = new Map<string, Array<{ median: number; cpu: number }>>(Object.keys(cases).map((k) => [k, []]));
for (let b = 0; b < BATCHES; b++) for (const [name, url] of Object.entries(cases)) results.get(name)!.push(await measure(url));
const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = new Map([...results].map(([name, rs]) => [name, { median: mid(rs.map((r) => r.median)), cpu: mid(rs.map((r) => r.cpu)) }]));
const fixture = summary.get('fixture task (baseline)')!;
console.log(`poll of one task by id: ${set.tasks.length} fixture tasks, ${IN_FLIGHT} created tasks in flight, ${BATCHES} batches of ${ROUNDS} requests each`);
for (const [name, m] of summary) {
  console.log(
    `${name.padEnd(26)} median ${(m.median * 1000).toFixed(0).padStart(5)} µs = ${(m.median / fixture.median).toFixed(2)}×   ` +
      `CPU ${m.cpu.toFixed(0).padStart(5)} µs/request = ${(m.cpu / fixture.cpu).toFixed(2)}× the fixture task's poll`,
  );
}
await app.close();
store.close();
