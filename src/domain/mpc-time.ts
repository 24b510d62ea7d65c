// MPC writes times as 14 digits, yyyymmddhhmmss, in UTC. Because the format is fixed-width, the strings
// sort the same way as the instants they name, so the store compares them as text.

const MPC_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** The instant a yyyymmddhhmmss string names, or undefined when it is not a real UTC date and time. */
export function parseMpcTime(value: string): Date | undefined {
  const m = MPC_TIME.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  // setUTCFullYear, unlike Date.UTC, takes years 0 to 99 as they are rather than as 1900 to 1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  // Days and hours roll over (2023-02-30 becomes March 2); a real date survives the round trip unchanged.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  if (date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) return undefined;
  return date;
}

/** The midnight (UTC) a yyyymmdd date names, or undefined when it is not a real date (ListStatSummary's days). */
export function parseMpcDate(value: string): Date | undefined {
  return /^[0-9]{8}$/.test(value) ? parseMpcTime(`${value}000000`) : undefined;
}

/** Times already judged: clients send the same windows again and again. */
const judged = new Map<string, boolean>();

export function isMpcTime(value: string): boolean {
  let real = judged.get(value);
  if (real === undefined) {
    real = parseMpcTime(value) !== undefined;
    if (judged.size >= 4096) judged.clear();
    judged.set(value, real);
  }
  return real;
}

export function formatMpcTime(date: Date): string {
  // Years stay four digits: 0099, not 99.
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds())
  );
}
