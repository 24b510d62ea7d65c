// The template families kept as documents (groups, watermark templates) as state like tasks (SPEC 10.3): what a
// reset goes back to, an import adds and an export carries. One implementation, driven by each family's entry:
// its table's family, the state's key, the words for a clash, and how an entry is made from an item and back.
import type { FamilyEntry, TemplateFamily, TemplateStore } from '../../storage/templates/template-store-types.js';
import { invalidParameter } from '../vendor-errors.js';
import { groupEntry, type TemplateGroup } from './template-groups.js';
import { watermarkEntry, type WatermarkTemplate } from './watermark-templates.js';
import { qualityEnhanceEntry, type StoredQualityEnhanceTemplate } from './quality-enhance-templates.js';
import { accountEntry, type AccountSettings } from '../account/account.js';

export interface TemplateState {
  /** Projects' transcoding template groups (their templates are the set's transcoding templates). */
  groups?: ReadonlyArray<{ projectId: string; group: TemplateGroup }>;
  /** Projects' watermark templates. */
  watermarks?: ReadonlyArray<{ projectId: string; template: WatermarkTemplate }>;
  /** Projects' own video enhancement templates (the presets are the vendor's, never state). */
  qualityEnhance?: ReadonlyArray<{ projectId: string; template: StoredQualityEnhanceTemplate }>;
  /** Projects' account settings (SPEC 9.3): agency, activation, declared and authorised buckets; one per project. */
  accounts?: ReadonlyArray<{ projectId: string; account: AccountSettings }>;
}

type Owned = { projectId: string } & Record<string, unknown>;
interface FamilyState {
  family: TemplateFamily;
  key: keyof TemplateState;
  what: string;
  /** How a clash names the entry, when not as `<what> <id>`. */
  label?(entry: FamilyEntry): string;
  entry(item: Owned): FamilyEntry;
  item(entry: FamilyEntry): Owned;
}

const FAMILIES: readonly FamilyState[] = [
  {
    family: 'transcoding_group',
    key: 'groups',
    what: 'template group',
    entry: (o) => groupEntry(o.projectId, o.group as TemplateGroup),
    item: (e) => ({ projectId: e.projectId, group: e.doc }),
  },
  {
    family: 'watermark',
    key: 'watermarks',
    what: 'watermark template',
    entry: (o) => watermarkEntry(o.projectId, o.template as WatermarkTemplate),
    item: (e) => ({ projectId: e.projectId, template: e.doc }),
  },
  {
    family: 'quality_enhance',
    key: 'qualityEnhance',
    what: 'video enhancement template',
    entry: (o) => qualityEnhanceEntry(o.projectId, o.template as StoredQualityEnhanceTemplate),
    item: (e) => ({ projectId: e.projectId, template: e.doc }),
  },
  {
    family: 'account',
    key: 'accounts',
    what: 'account settings',
    label: (e) => `the account settings of project ${e.projectId}`,
    entry: (o) => accountEntry(o.projectId, o.account as AccountSettings),
    item: (e) => ({ projectId: e.projectId, account: e.doc }),
  },
];

const itemsOf = (state: TemplateState, f: FamilyState) => (state[f.key] ?? []) as readonly Owned[];

/** One project's (every project's when undefined) families back to the state's. */
export function replaceTemplateState(store: TemplateStore, projectId: string | undefined, state: TemplateState): void {
  for (const f of FAMILIES) store.families.replace(f.family, projectId, itemsOf(state, f).map(f.entry));
}

/** What an import brings; an entry the project has under that id already is a clash (400 MPC.10202). */
export function addTemplateState(store: TemplateStore, state: TemplateState): void {
  for (const f of FAMILIES) {
    for (const entry of itemsOf(state, f).map(f.entry)) {
      if (store.families.get(f.family, entry.projectId, entry.id) !== undefined) {
        throw invalidParameter(f.label ? `${f.label(entry)} are already there` : `${f.what} ${entry.id} is already there`);
      }
      store.families.put(f.family, entry);
    }
  }
}

/** A project's families, oldest first, only those it has. */
export function exportTemplateState(store: TemplateStore, projectId: string): TemplateState {
  const state: Record<string, Owned[]> = {};
  for (const f of FAMILIES) {
    const items = store.families.entries(f.family, projectId).map(f.item);
    if (items.length > 0) state[f.key] = items;
  }
  return state as TemplateState;
}
