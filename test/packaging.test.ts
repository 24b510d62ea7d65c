// What the issue asks of the image and the compose stack, checked on the files themselves. The build and
// start steps are proved by .ci/replay-dockerfile.sh, which replays them without Docker.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((l) => /^[A-Z]+\s/.test(l));

describe('the Dockerfile', () => {
  it('builds in one node:24-bookworm-slim stage and runs in another, without dev dependencies', () => {
    expect(instructions.filter((l) => l.startsWith('FROM '))).toEqual(['FROM node:24-bookworm-slim AS build', 'FROM node:24-bookworm-slim AS runtime', 'FROM runtime AS media', 'FROM runtime AS slim']);
    const runs = instructions.filter((l) => l.startsWith('RUN '));
    expect(runs).toContain('RUN npm ci');
    expect(runs.indexOf('RUN npm ci')).toBeLessThan(runs.indexOf('RUN npm prune --omit=dev'));
  });

  it('runs as a non-root user, listens on every interface, and checks health on the configured port', () => {
    const runtime = instructions.slice(instructions.findIndex((l) => l.includes('AS runtime')));
    expect(runtime.some((l) => /^USER (?!root)\w+/.test(l))).toBe(true);
    expect(runtime.join('\n')).toMatch(/MPC_MOCK_HOST=0\.0\.0\.0/);
    const port = /MPC_MOCK_PORT=(\d+)/.exec(runtime.join('\n'))![1];
    expect(runtime).toContain(`EXPOSE ${port}`);
    const health = runtime.find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(health).toContain('process.env.MPC_MOCK_PORT');
    expect(health).toContain('/_mock/health');
    expect(runtime).toContain('CMD ["node", "dist/cli.js"]');
  });
});

describe('the media variant (docker build --target media)', () => {
  it('is the runtime with Debian’s ffmpeg, its store and media processing on, still as a non-root user; a plain build stays slim', () => {
    const at = instructions.indexOf('FROM runtime AS media');
    const media = instructions.slice(at + 1, instructions.indexOf('FROM runtime AS slim'));
    expect(media.find((l) => l.startsWith('RUN '))).toMatch(/^RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf \/var\/lib\/apt\/lists\/\*$/);
    expect(media.join('\n')).toMatch(/MPC_MOCK_OBS=embedded/);
    expect(media.join('\n')).toMatch(/MPC_MOCK_MEDIA=ffmpeg/);
    expect(media.filter((l) => l.startsWith('USER ')).at(-1)).toBe('USER node');
    // The last stage (what `docker build .` makes) is the runtime itself, with nothing added.
    expect(instructions.at(-1)).toBe('FROM runtime AS slim');
  });
});

describe('docker-compose.yml', () => {
  it('starts a client only once mpc-mock is healthy', () => {
    const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8')) as {
      services: Record<string, { build?: string; healthcheck?: object; depends_on?: Record<string, { condition: string }>; command?: string[] }>;
    };
    expect(compose.services['mpc-mock']!.build).toBe('.');
    expect(compose.services['mpc-mock']!.healthcheck).toBeDefined();
    expect(compose.services.client!.depends_on).toEqual({ 'mpc-mock': { condition: 'service_healthy' } });
    expect(compose.services.client!.command!.join(' ')).toContain('http://mpc-mock:8080/v1/');
  });
});
