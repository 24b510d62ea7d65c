// The template store's interfaces, apart from its implementation so that the package's published types (the task
// store's, which holds one) never name better-sqlite3, whose types a user need not have.
import type { TransTemplate } from '../../domain/templates/transcoding-templates.js';

/**
 * A family of a project's documents (template-store's second table): template groups, watermark and video
 * enhancement templates, and the account settings (one document).
 */
export type TemplateFamily = 'transcoding_group' | 'watermark' | 'quality_enhance' | 'account';

/** One document of a family, and the owner it belongs to ('' for the shared ones). */
export interface FamilyEntry<T = unknown> {
  projectId: string;
  id: string;
  seq: number;
  doc: T;
}

export interface FamilyStore {
  get<T>(family: TemplateFamily, projectId: string, id: string): T | undefined;
  /** A page of the project's documents, newest (highest seq) first. */
  list<T>(family: TemplateFamily, projectId: string, limit: number, offset: number, names?: readonly string[]): T[];
  count(family: TemplateFamily, projectId: string, names?: readonly string[]): number;
  /** Whether another document of the project (not `exceptId`) has this `name`. */
  nameTaken(family: TemplateFamily, projectId: string, name: string, exceptId?: string): boolean;
  /** The id of the project's document whose `template_ids` hold this template id, if one does. */
  holding(family: TemplateFamily, projectId: string, templateId: number): string | undefined;
  put(family: TemplateFamily, entry: FamilyEntry): void;
  remove(family: TemplateFamily, projectId: string, id: string): boolean;
  /** Every document of one owner, or of every owner, oldest first. */
  entries<T>(family: TemplateFamily, projectId?: string): Array<FamilyEntry<T>>;
  /** Replaces one owner's documents (every owner's when projectId is undefined) with those of the entries it owns. */
  replace(family: TemplateFamily, projectId: string | undefined, entries: readonly FamilyEntry[]): void;
}

export interface TemplateStore {
  /** The documents of the other template families (groups). */
  readonly families: FamilyStore;
  /** A project's own template, not a system one. */
  own(projectId: string, templateId: number): TransTemplate | undefined;
  /** Whether a system template has this id. */
  isSystem(templateId: number): boolean;
  /** A page of the project's own templates, newest (highest id) first. */
  list(projectId: string, limit: number, offset: number): TransTemplate[];
  count(projectId: string): number;
  /** The templates a project sees under these ids, its own and the system ones, highest id first. */
  byIds(projectId: string, templateIds: readonly number[]): TransTemplate[];
  /** Whether another own template of the project (not `exceptId`) has this name. */
  nameTaken(projectId: string, name: string, exceptId?: number): boolean;
  /** Writes a project's template, new or replacing the one with its id. */
  put(projectId: string, template: TransTemplate): void;
  /** Removes a project's own template; false when it had none with the id. */
  remove(projectId: string, templateId: number): boolean;
  /** The id of a template about to be created: above every template id the store has held. */
  nextId(): number;
}

