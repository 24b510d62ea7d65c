// The string formats the documents use, apart from the Ajv setup so that the validator precompiled from the
// vendor document (fixture-validator.generated.ts) calls the very same checks without loading Ajv.
import { isMpcTime, parseMpcDate } from '../domain/mpc-time.js';

/** ISO 8601 with a zone, and a real date and time (2026-02-30 is not one). */
export function isIsoTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-](\d{2}):(\d{2}))$/i.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return false;
  if (h > 23 || mi > 59 || s > 59) return false;
  if (m[9] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/** By format name, in the shape Ajv's addFormat takes (and the precompiled code calls: `formats.uri.validate`). */
export const FORMATS: Record<string, { type: 'string'; validate: (value: string) => boolean }> = {
  yyyymmddhhmmss: { type: 'string', validate: isMpcTime },
  // A day, as ListStatSummary takes its window.
  yyyymmdd: { type: 'string', validate: (s: string) => parseMpcDate(s) !== undefined },
  // A URL as the VOD API returns it; a strict RFC 3986 check buys nothing here.
  uri: { type: 'string', validate: (s: string) => /^https?:\/\/\S+$/.test(s) },
  // Control-plane times: ISO 8601 in UTC with a zone, as Date reads them.
  'date-time': { type: 'string', validate: isIsoTime },
};
