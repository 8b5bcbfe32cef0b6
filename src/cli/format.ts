/** Human output: aligned tables and key/value blocks; machine output: one JSON document. */

export type Cell = string | number | boolean | null | undefined;

/** Control characters (a receiver's body, say) must not move the operator's cursor or recolor it. */
export function clean(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface Column<T> {
  header: string;
  value: (row: T) => Cell;
  /** Right-align (numbers). */
  right?: boolean;
}

/** Columns padded to their widest cell, two spaces apart; no trailing spaces. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => clean(c.value(row))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const lines = cells.map((line) =>
    line
      .map((cell, i) => (columns[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** A record shown as `key  value` lines, keys aligned. */
export function keyValues(entries: ReadonlyArray<[string, Cell]>): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return `${entries.map(([key, value]) => `${key.padEnd(width)}  ${clean(value)}`).join('\n')}\n`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
