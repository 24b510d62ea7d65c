// Pages of every list (tasks, SPEC 2; templates, groups and watermark templates, SPEC 10.1): the page starts at
// page * size, and a start past the last entry, or past what a number can say exactly (page has no upper bound:
// page=7777...7), is an empty page with the true total, never a query SQLite cannot take.

/** The offset of the page's first entry, or undefined when the page is past the end. */
export function pageStart(page: number, size: number, total: number): number | undefined {
  const offset = page * size;
  return Number.isSafeInteger(offset) && offset < total ? offset : undefined;
}
