// What the HTTP benches share: starting a server as its own process, reading its CPU time and memory from
// /proc, and loading it with autocannon (in the bench's process, so that the server's CPU is its own).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Resident memory now (VmRSS) and at its peak (VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export interface Server {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the ready line. */
  readyMs: number;
  stop(): Promise<void>;
}

/** Spawns `node <args>` and resolves once its output matches `ready` (whose group 1 is the base URL). */
export function startServer(args: string[], ready: RegExp, options: { cwd?: string; timeoutMs?: number } = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} not ready after ${options.timeoutMs} ms: ${out.slice(-2000)}`));
    }, options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      out += String(chunk);
      if (out.length > 100_000) out = out.slice(-50_000);
      const m = ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stderr!.off('data', onData);
      // Keep reading (and dropping) its output, so that a chatty server never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr!.resume();
      const stop = () =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        });
      resolve({ child, url: m[1]!, readyMs: performance.now() - started, stop });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

export interface LoadResult {
  rps: number;
  /** The server's CPU time per answered request, µs. */
  cpuUsPerRequest: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  non2xx: number;
}

/**
 * Loads `server` for `seconds` at `connections`. `paths` is one path, asked again and again, or a function that
 * gives the next path for every request (all connections share it, so no two requests in a row are alike).
 * `headers` go with every request (a signed request's).
 */
/** What one request of a load sends, when each differs: its path, and its headers if they differ too. */
export type NextRequest = () => string | { path: string; headers: Record<string, string> };

export async function load(server: Server, paths: string | NextRequest, connections: number, seconds: number, headers?: Record<string, string>): Promise<LoadResult> {
  const pid = server.child.pid!;
  const cpu0 = cpuSeconds(pid);
  const options: autocannon.Options =
    typeof paths === 'string'
      ? { url: server.url + paths, connections, duration: seconds, ...(headers ? { headers } : {}) }
      : { url: server.url, connections, duration: seconds, ...(headers ? { headers } : {}), requests: [
            {
              setupRequest: (request) => {
                const next = paths();
                return typeof next === 'string' ? { ...request, path: next } : { ...request, path: next.path, headers: { ...request.headers, ...next.headers } };
              },
            },
          ],
        };
  const result = await autocannon(options);
  const cpu = cpuSeconds(pid) - cpu0;
  return {
    rps: result.requests.average,
    cpuUsPerRequest: (cpu * 1e6) / Math.max(1, result.requests.total),
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
