/** Human output: aligned tables and key/value blocks; machine output: one JSON document. */
import Table from 'cli-table3';

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

/** No borders: columns two spaces apart, so output stays easy to read and to `grep`/`awk`. */
const BORDERLESS: Table.TableConstructorOptions = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
};

/**
 * Lines laid out by cli-table3 (which measures wide and combining characters by display width).
 * Every cell has been through `clean` first, so nothing a server sent reaches the terminal raw.
 */
function render(head: string[] | undefined, rows: string[][], right: readonly boolean[]): string {
  const layout = new Table({
    ...BORDERLESS,
    ...(head ? { head } : {}),
    colAligns: right.map((r) => (r ? 'right' : 'left')),
  });
  layout.push(...rows);
  const lines = layout
    .toString()
    .split('\n')
    .map((line) => line.trimEnd());
  return `${lines.join('\n')}\n`;
}

/** Columns padded to their widest cell, two spaces apart, header first; no trailing spaces. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  return render(
    columns.map((c) => c.header),
    rows.map((row) => columns.map((c) => clean(c.value(row)))),
    columns.map((c) => c.right === true),
  );
}

/** A record shown as `key  value` lines, keys aligned. */
export function keyValues(entries: ReadonlyArray<[string, Cell]>): string {
  return render(
    undefined,
    entries.map(([key, value]) => [key, clean(value)]),
    [false, false],
  );
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
