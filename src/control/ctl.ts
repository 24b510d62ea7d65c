// `mpc-mock ctl`: the control plane from a shell, for docker-compose users and CI scripts. Every command is a
// call of the typed client (src/control/client.ts); answers are printed as JSON.
import { readFileSync } from 'node:fs';
import { MockControlError, mockControl, type TaskKindWord } from './client.js';

export const CTL_HELP = `Usage: mpc-mock ctl [--url <url>] [--token <token>] <command>
  --url     the mock (default $MPC_MOCK_URL or http://127.0.0.1:8080)
  --token   its control token (default $MPC_MOCK_CONTROL_TOKEN)

Commands (answers are JSON on stdout):
  health
  reset [--project <id>] [--kind <kind>]
  export [--project <id>] [--kind <kind>]        the fixture format, e.g. > state.json
  import <file|->                                add tasks from a fixture file
  templates [--project <id>]                     a project's templates and account, or the system templates
  objects [--bucket <name>] [--prefix <p>] [--limit <n>]  what the object store holds
  task get|update|remove|advance <kind> <task_id> [--project <id>] [--json <patch>]
  clock [get | freeze [<ISO time>] | unfreeze | advance <seconds>]
  lifecycle [get | set <json> | clear [--project <id>] [--kind <kind>]]
  outcomes [get | set <file|->]
  faults [list | add <json> | remove <id> | clear [--project <id>]]
  requests [list [--project <id>] [--kind <kind>] [--operation <operationId>] [--method <m>] [--status <n>] [--task <id>] | clear [--project <id>] | wait <json>]
  auth [get | set <json>]                        e.g. set '{"mode": "verify"}'
  subscriptions [list | add <topic urn> <url> | remove <id>]
  deliveries [list [--topic <urn>] [--event <type>] [--task <id>] [--project <id>] | wait <json>]
kind: transcodings, thumbnails, animated-graphics, encryptions, extract-metadata, remux, merge-channels, reset-tracks, editing-jobs, enhancements`;

export class CtlUsageError extends Error {}

interface Io {
  out(text: string): void;
  readFile(path: string): string;
}

/** Splits `--name value` options from the positional words. */
function parseArgs(argv: readonly string[]): { words: string[]; flags: Map<string, string> } {
  const words: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CtlUsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { words, flags };
}

const json = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new CtlUsageError(`${what} is not JSON`);
  }
};

/** Runs one ctl command; answers its exit code (0, 1 for a call the mock refused, 2 for a usage mistake). */
export async function runCtl(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io = defaultIo): Promise<number> {
  const { words, flags } = parseArgs(argv);
  const known = new Set(['url', 'token', 'project', 'kind', 'json', 'method', 'status', 'task', 'topic', 'event', 'operation', 'bucket', 'prefix', 'limit']);
  for (const name of flags.keys()) if (!known.has(name)) throw new CtlUsageError(`unknown option --${name}`);
  const url = flags.get('url') ?? env.MPC_MOCK_URL ?? 'http://127.0.0.1:8080';
  const token = flags.get('token') ?? env.MPC_MOCK_CONTROL_TOKEN;
  const control = mockControl(url, token !== undefined ? { token } : {});
  const project = flags.get('project');
  const kind = flags.get('kind') as TaskKindWord | undefined;
  const scope = { ...(project !== undefined ? { project_id: project } : {}), ...(kind !== undefined ? { kind } : {}) };
  const fileOrStdin = (path: string | undefined) => {
    if (path === undefined) throw new CtlUsageError('a file name (or - for standard input) is needed');
    return io.readFile(path === '-' ? '/dev/stdin' : path);
  };
  const [command, sub, ...rest] = words;
  let answer: unknown;
  switch (command) {
    case 'health':
      answer = await control.health();
      break;
    case 'reset':
      answer = await control.reset(scope);
      break;
    case 'export':
      answer = await control.exportTasks(scope);
      break;
    case 'templates':
      if (sub !== undefined) throw new CtlUsageError(`templates takes no ${sub}: only --project`);
      answer = await control.templates(project);
      break;
    case 'objects': {
      if (sub !== undefined) throw new CtlUsageError(`objects takes no ${sub}: only --bucket, --prefix and --limit`);
      const limit = flags.get('limit');
      if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) throw new CtlUsageError('--limit takes a whole number above 0');
      answer = await control.objects({
        ...(flags.has('bucket') ? { bucket: flags.get('bucket')! } : {}),
        ...(flags.has('prefix') ? { prefix: flags.get('prefix')! } : {}),
        ...(limit !== undefined ? { limit: Number(limit) } : {}),
      });
      break;
    }
    case 'import':
      answer = await control.addTasks(json(fileOrStdin(sub), 'the fixture file') as never);
      break;
    case 'task': {
      const [taskKind, taskId] = rest;
      if (!taskKind || !taskId) throw new CtlUsageError('task needs <get|update|remove|advance> <kind> <task_id>');
      const task = control.task(taskKind as TaskKindWord, taskId, project);
      if (sub === 'get') answer = await task.get();
      else if (sub === 'update') answer = await task.update(json(flags.get('json') ?? '', '--json') as never);
      else if (sub === 'remove') answer = (await task.remove(), { removed: `${taskKind}/${taskId}` });
      else if (sub === 'advance') answer = await task.advance();
      else throw new CtlUsageError(`task ${sub ?? ''}: expected get, update, remove or advance`);
      break;
    }
    case 'clock':
      if (sub === undefined || sub === 'get') answer = await control.clock.get();
      else if (sub === 'freeze') answer = await control.clock.freeze(rest[0]);
      else if (sub === 'unfreeze') answer = await control.clock.unfreeze();
      else if (sub === 'advance' && rest[0] !== undefined && Number.isFinite(Number(rest[0]))) answer = await control.clock.advance(Number(rest[0]));
      else throw new CtlUsageError('clock takes get, freeze [<time>], unfreeze or advance <seconds>');
      break;
    case 'lifecycle':
      if (sub === undefined || sub === 'get') answer = await control.lifecycle.get();
      else if (sub === 'set') answer = await control.lifecycle.set(json(rest[0] ?? '', 'the setting') as never);
      else if (sub === 'clear') answer = await control.lifecycle.clear(scope);
      else throw new CtlUsageError('lifecycle takes get, set <json> or clear');
      break;
    case 'outcomes':
      if (sub === undefined || sub === 'get') answer = await control.outcomes.get();
      else if (sub === 'set') answer = await control.outcomes.set((json(fileOrStdin(rest[0]), 'the rules file') as { rules: never }).rules);
      else throw new CtlUsageError('outcomes takes get or set <file|->');
      break;
    case 'faults':
      if (sub === undefined || sub === 'list') answer = await control.faults.list();
      else if (sub === 'add') answer = await control.faults.add(json(rest[0] ?? '', 'the rule') as never);
      else if (sub === 'remove' && rest[0]) answer = (await control.faults.remove(rest[0]), { removed: rest[0] });
      else if (sub === 'clear') answer = await control.faults.clear(project);
      else throw new CtlUsageError('faults takes list, add <json>, remove <id> or clear');
      break;
    case 'requests': {
      if (sub === undefined || sub === 'list') {
        const status = flags.get('status');
        answer = await control.requests.list({
          ...scope,
          ...(flags.has('method') ? { method: flags.get('method') as never } : {}),
          ...(status !== undefined ? { status: Number(status) } : {}),
          ...(flags.has('task') ? { task_id: flags.get('task')! } : {}),
          ...(flags.has('operation') ? { operation: flags.get('operation')! } : {}),
        });
      } else if (sub === 'clear') answer = (await control.requests.clear(project), { cleared: project ?? 'all' });
      else if (sub === 'wait') answer = await control.requests.wait(json(rest[0] ?? '', 'the wait') as never);
      else throw new CtlUsageError('requests takes list, clear or wait <json>');
      break;
    }
    case 'auth':
      if (sub === undefined || sub === 'get') answer = await control.auth.get();
      else if (sub === 'set') answer = await control.auth.set(json(rest[0] ?? '', 'the change') as never);
      else throw new CtlUsageError('auth takes get or set <json>');
      break;
    case 'subscriptions':
      if (sub === undefined || sub === 'list') answer = await control.subscriptions.list();
      else if (sub === 'add' && rest[0] && rest[1]) answer = await control.subscriptions.add(rest[0], rest[1]);
      else if (sub === 'remove' && rest[0]) answer = (await control.subscriptions.remove(rest[0]), { removed: rest[0] });
      else throw new CtlUsageError('subscriptions takes list, add <topic urn> <url> or remove <id>');
      break;
    case 'deliveries':
      if (sub === undefined || sub === 'list') {
        answer = await control.deliveries.list({
          ...(project !== undefined ? { project_id: project } : {}),
          ...(flags.has('topic') ? { topic_urn: flags.get('topic')! } : {}),
          ...(flags.has('event') ? { event_type: flags.get('event') as never } : {}),
          ...(flags.has('task') ? { task_id: flags.get('task')! } : {}),
          ...(flags.has('operation') ? { operation: flags.get('operation')! } : {}),
        });
      } else if (sub === 'wait') {
        const wait = json(rest[0] ?? '', 'the wait') as { match?: never; count?: number; timeout_ms?: number };
        answer = await control.deliveries.wait(wait.match, wait.count, wait.timeout_ms);
      } else throw new CtlUsageError('deliveries takes list or wait <json>');
      break;
    default:
      throw new CtlUsageError(command === undefined ? 'a command is needed' : `unknown command ${command}`);
  }
  io.out(JSON.stringify(answer, null, 2) + '\n');
  return 0;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
};

/** The CLI's entry: prints one line for a mistake or a refusal, and answers the exit code. */
export async function ctlMain(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(CTL_HELP + '\n');
    return 0;
  }
  try {
    return await runCtl(argv, env);
  } catch (error) {
    if (error instanceof CtlUsageError) {
      process.stderr.write(`mpc-mock ctl: ${error.message} (see mpc-mock ctl --help)\n`);
      return 2;
    }
    if (error instanceof MockControlError) {
      process.stderr.write(`mpc-mock ctl: the mock answered ${error.message}\n`);
      return 1;
    }
    process.stderr.write(`mpc-mock ctl: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}\n`);
    return 1;
  }
}
