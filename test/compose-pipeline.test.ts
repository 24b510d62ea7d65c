// docker-compose.yml's `objects` profile (SPEC 11.4), replayed without Docker: each mock service starts with the
// environment compose gives it, a second mock's embedded store stands in for the MinIO service (with MinIO's keys),
// and the pipeline service's own commands run the sample client against them, the hosts of the compose network
// mapped onto local ports. What compose adds on top (the image, the network, the health checks) is the Dockerfile's
// and is replayed by .ci/replay-dockerfile.sh.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { startMpcMock, type RunningMpcMock } from '../src/server.js';

interface Service {
  profiles?: string[];
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  entrypoint?: string[];
  command?: string[];
  healthcheck?: object;
}
const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const endpointOf = (mock: RunningMpcMock) => (mock.obs.mode === 'off' ? '' : mock.obs.endpoint);

/** A mock service as compose starts it: its environment, on free local ports. */
async function startService(name: string, hosts: Map<string, string>): Promise<RunningMpcMock> {
  const env = Object.fromEntries(Object.entries(services[name]!.environment ?? {}).map(([k, v]) => [k, mapHosts(String(v), hosts)]));
  const { outcomes: _o, generate: _g, credentials: _c, ...config } = parseConfig([], env);
  return startMpcMock({ ...config, host: '127.0.0.1', port: 0, obsPort: 0, logLevel: 'silent' });
}
const mapHosts = (text: string, hosts: Map<string, string>) => [...hosts].reduce((t, [from, to]) => t.split(from).join(to), text);

describe('docker-compose.yml, the objects profile', () => {
  const hosts = new Map<string, string>();
  const running: RunningMpcMock[] = [];
  beforeAll(async () => {
    // MinIO, as the profile configures it: its root user and password are the store's keys.
    const minio = services.minio!.environment!;
    const standIn = await startMpcMock({ port: 0, obs: 'embedded', obsPort: 0, noDefaultFixtures: true, obsAccessKey: minio.MINIO_ROOT_USER, obsSecretKey: minio.MINIO_ROOT_PASSWORD, logLevel: 'silent' });
    running.push(standIn);
    hosts.set('http://minio:9000', endpointOf(standIn));
    for (const name of ['mpc-mock-obs', 'mpc-mock-minio']) {
      const mock = await startService(name, hosts);
      running.push(mock);
      hosts.set(`http://${name}:8080`, mock.url);
      if (mock.obs.mode === 'embedded') hosts.set(`http://${name}:9000`, mock.obs.endpoint);
    }
  });
  afterAll(async () => {
    for (const mock of running.reverse()) await mock.close();
  });

  it('has the pipeline wait for both mocks, and the MinIO mock for MinIO, all in the profile', () => {
    for (const name of ['mpc-mock-obs', 'minio', 'mpc-mock-minio', 'pipeline']) expect(services[name]!.profiles, name).toEqual(['objects']);
    expect(services.pipeline!.depends_on).toEqual({ 'mpc-mock-obs': { condition: 'service_healthy' }, 'mpc-mock-minio': { condition: 'service_healthy' } });
    expect(services['mpc-mock-minio']!.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(services['mpc-mock-obs']!.healthcheck).toEqual(services['mpc-mock']!.healthcheck);
    // The client runs in the mock's image, with the script the repository holds.
    expect(services.pipeline!.image).toBe(services['mpc-mock']!.image);
    expect(services.pipeline!.volumes).toEqual(['./examples/pipeline-client.mjs:/app/examples/pipeline-client.mjs:ro']);
    // The store each mock uses is the one the compose environment names.
    expect(running[1]!.obs).toMatchObject({ mode: 'embedded' });
    expect(running[2]!.obs).toEqual({ mode: 'external', endpoint: endpointOf(running[0]!) });
  });

  it('runs the pipeline service’s commands: upload, transcode, poll, download, from the embedded store and from MinIO', async () => {
    expect(services.pipeline!.entrypoint).toEqual(['sh', '-ec']);
    const steps = services.pipeline!.command![0]!.split('&&').map((step) => mapHosts(step, hosts).trim().split(/\s+/));
    expect(steps.map((s) => s.slice(0, 2))).toEqual([
      ['node', 'examples/pipeline-client.mjs'],
      ['node', 'examples/pipeline-client.mjs'],
    ]);
    // Both at once: they share nothing but the image.
    const outputs = await Promise.all(
      steps.map(
        (step) =>
          new Promise<string>((resolve, reject) =>
            execFile(process.execPath, step.slice(1), { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '1' } }, (error, stdout, stderr) =>
              error ? reject(new Error(`${step.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
            ),
          ),
      ),
    );
    for (const out of outputs) {
      expect(out).toMatch(/uploaded media-in\/uploads\/\d+\.mp4 \(262144 bytes\)/);
      expect(out).toMatch(/task \d+ SUCCEEDED/);
      expect(out).toMatch(/downloaded media-out\/transcoded\/\S+\.mp4 \(262144 bytes, a copy of the upload\)/);
      expect(out.trimEnd().endsWith('ok')).toBe(true);
    }
    // The MinIO mock's output is in "MinIO", where the client downloaded it from.
    const inMinio = await running[0]!.control.objects({ bucket: 'media-out', prefix: 'transcoded/' });
    expect(inMinio.buckets[0]!.objects.length).toBeGreaterThan(0);
  });

  it('fails the client, with the reason, when the task fails', async () => {
    const mock = running[1]!;
    mock.outcomes.set([{ kind: 'transcodings', outcome: 'fail' }]);
    // How it ends is what counts here, not how long it takes.
    mock.lifecycle.set({ mode: 'immediate' });
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
        execFile(process.execPath, ['examples/pipeline-client.mjs', '--mock', mock.url, '--obs', endpointOf(mock)], { encoding: 'utf8', timeout: 60_000 }, (error, _stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/failed: task \d+ ended FAILED/);
    } finally {
      mock.outcomes.set([]);
      mock.lifecycle.set({ mode: 'time', seconds_per_state: 1 });
    }
  });
});
