// How fast created tasks move through their states (SPEC 4.3, 6.5): immediately, one state every N seconds
// of the mock's clock, one state every N reads, or only when told to. Settings are kept for everything, a
// project, a kind, or a project and kind; the most specific one wins.
import type { components } from '../../contract/mock-control.generated.js';
import { TASK_KIND_WORDS } from './task-kinds.js';

/** A setting and its scope, as the control plane's document defines it. */
export type LifecycleSetting = components['schemas']['LifecycleSetting'];
export type LifecycleMode = LifecycleSetting['mode'];

/** A setting as it applies to a task: its mode and its one parameter, defaults filled in. */
export interface EffectiveSetting {
  mode: LifecycleMode;
  secondsPerState: number;
  readsPerState: number;
}

/** About one second per state, so that a client polling every second sees every state (SPEC 4.3). */
export const DEFAULT_LIFECYCLE: LifecycleSetting = { mode: 'time', seconds_per_state: 1 };

const scopeKey = (projectId: string | undefined, kind: string | undefined) => `${projectId ?? ''}|${kind ?? ''}`;

function normalise(setting: LifecycleSetting): LifecycleSetting {
  const out: LifecycleSetting = { mode: setting.mode };
  if (setting.mode === 'time') out.seconds_per_state = setting.seconds_per_state ?? 1;
  if (setting.mode === 'reads') out.reads_per_state = setting.reads_per_state ?? 1;
  if (setting.project_id !== undefined) out.project_id = setting.project_id;
  if (setting.kind !== undefined) out.kind = setting.kind;
  return out;
}

export class LifecycleSettings {
  private readonly byScope = new Map<string, LifecycleSetting>();

  constructor(global: LifecycleSetting = DEFAULT_LIFECYCLE) {
    const { project_id: _p, kind: _k, ...unscoped } = global;
    this.byScope.set(scopeKey(undefined, undefined), normalise(unscoped));
  }

  /** Every setting, the global one first, then by project and kind. */
  list(): LifecycleSetting[] {
    const global = this.byScope.get(scopeKey(undefined, undefined))!;
    const rest = [...this.byScope.entries()]
      .filter(([key]) => key !== scopeKey(undefined, undefined))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, s]) => ({ ...s }));
    return [{ ...global }, ...rest];
  }

  /** Sets the setting of exactly the scope it names (everything, a project, a kind, or both). */
  set(setting: LifecycleSetting): void {
    this.byScope.set(scopeKey(setting.project_id, setting.kind), normalise(setting));
  }

  /** Removes a scoped setting; the global one stays. Answers whether there was one. */
  clear(projectId: string | undefined, kind: string | undefined): boolean {
    if (projectId === undefined && kind === undefined) return false;
    return this.byScope.delete(scopeKey(projectId, kind));
  }

  /** Replaces every setting with these (as `list` answers them: the global one first). */
  replaceAll(settings: readonly LifecycleSetting[]): void {
    this.byScope.clear();
    const [global, ...rest] = settings;
    const { project_id: _p, kind: _k, ...unscoped } = global ?? DEFAULT_LIFECYCLE;
    this.byScope.set(scopeKey(undefined, undefined), normalise(unscoped));
    for (const s of rest) this.set(s);
  }

  /** Whether any setting counts reads: when none does, a read need not be written down. */
  countsReads(): boolean {
    for (const s of this.byScope.values()) if (s.mode === 'reads') return true;
    return false;
  }

  /** Project and kind, then project, then kind, then global. */
  effective(projectId: string, kind: string): EffectiveSetting {
    const s =
      this.byScope.get(scopeKey(projectId, kind)) ??
      this.byScope.get(scopeKey(projectId, undefined)) ??
      this.byScope.get(scopeKey(undefined, kind)) ??
      this.byScope.get(scopeKey(undefined, undefined))!;
    return { mode: s.mode, secondsPerState: s.seconds_per_state ?? 1, readsPerState: s.reads_per_state ?? 1 };
  }
}

/** `immediate`, `time:<seconds>`, `reads:<n>` or `manual`, as --lifecycle takes it; undefined when it is none. */
export function parseLifecycle(text: string): LifecycleSetting | undefined {
  const m = /^(?:(immediate|manual)|time(?::([0-9]+(?:\.[0-9]+)?))?|reads(?::([0-9]+))?)$/.exec(text);
  if (!m) return undefined;
  if (m[1]) return { mode: m[1] as LifecycleMode };
  if (text.startsWith('time')) {
    const seconds = m[2] === undefined ? 1 : Number(m[2]);
    return seconds > 0 && seconds <= 86400 ? { mode: 'time', seconds_per_state: seconds } : undefined;
  }
  const reads = m[3] === undefined ? 1 : Number(m[3]);
  return reads >= 1 && reads <= 1000 ? { mode: 'reads', reads_per_state: reads } : undefined;
}

export const LIFECYCLE_LIST_SYNTAX =
  'comma-separated [<scope>=]<mode>, mode one of immediate, time:<seconds>, reads:<n>, manual; ' +
  `scope a kind (${TASK_KIND_WORDS.join(', ')}), project:<id> or project:<id>/<kind>`;

const KIND_WORDS: readonly string[] = TASK_KIND_WORDS;

/**
 * The settings --lifecycle takes: `time:1,thumbnails=manual,project:team-a=reads:2,project:team-a/transcodings=immediate`.
 * Undefined when any entry is not one.
 */
export function parseLifecycleList(text: string): LifecycleSetting[] | undefined {
  const settings: LifecycleSetting[] = [];
  for (const entry of text.split(',')) {
    const eq = entry.indexOf('=');
    const setting = parseLifecycle(eq < 0 ? entry : entry.slice(eq + 1));
    if (!setting) return undefined;
    if (eq >= 0) {
      const scope = /^(?:project:([A-Za-z0-9_-]{1,64})(?:\/([a-z-]+))?|([a-z-]+))$/.exec(entry.slice(0, eq));
      const kind = scope?.[2] ?? scope?.[3];
      if (!scope || (kind !== undefined && !KIND_WORDS.includes(kind))) return undefined;
      if (scope[1] !== undefined) setting.project_id = scope[1];
      if (kind !== undefined) setting.kind = kind as LifecycleSetting['kind'];
    }
    settings.push(setting);
  }
  return settings;
}
