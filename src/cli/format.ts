/**
 * Pure formatting for the operators' CLI: aligned tables fitted to a width, relative times and
 * optional colour. No I/O here, so every rule is unit-tested (tests/cli/format.test.ts).
 */

/** How human output is styled: the terminal width to fit and whether ANSI colour is wanted. */
export interface Style {
  /** Columns available; tables shrink their widest columns to fit it. */
  readonly width: number;
  readonly colour: boolean;
}

/**
 * Colour is for people at a terminal: only on a TTY, and never when `NO_COLOR` is set to
 * anything non-empty (https://no-color.org).
 */
export function wantsColour(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTty && (env.NO_COLOR ?? "") === "";
}

const ANSI = { bold: "1", dim: "2", red: "31", green: "32", yellow: "33" } as const;
/** An ANSI style name {@link paint} knows. */
export type Paint = keyof typeof ANSI;

/** `text` in the given ANSI style when colour is on, unchanged otherwise. */
export function paint(style: Style, how: Paint, text: string): string {
  return style.colour ? `\x1b[${ANSI[how]}m${text}\x1b[0m` : text;
}

// The visible width of a cell: ANSI sequences take no columns.
const visibleLength = (text: string): number => [...text.replace(/\x1b\[[0-9;]*m/g, "")].length;

/** Cuts `text` to `width` visible characters, ending in "…" when it was longer. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 0 ? "" : `${chars.slice(0, width - 1).join("")}…`;
}

/**
 * Column widths for `rows` (header first) that fit `width` with two spaces between columns: the
 * natural widths when they fit; else the widest column is narrowed one step at a time, first not
 * below its header (or 4), then not below 4; columns that still do not fit are hidden from the
 * right (width 0), so a line never wraps. The first column always shows.
 */
export function fitColumns(rows: readonly (readonly string[])[], width: number): number[] {
  const header = rows[0] ?? [];
  const widths = header.map((_, c) => Math.max(...rows.map((row) => visibleLength(row[c] ?? ""))));
  const total = () => {
    const shown = widths.filter((w) => w > 0);
    return shown.reduce((a, b) => a + b, 0) + 2 * Math.max(0, shown.length - 1);
  };
  const shrinkTo = (floor: readonly number[]) => {
    while (total() > width) {
      let widest = -1;
      for (let c = 0; c < widths.length; c++) {
        if ((widths[c] ?? 0) > (floor[c] ?? 0) && (widest < 0 || (widths[c] ?? 0) > (widths[widest] ?? 0))) widest = c;
      }
      if (widest < 0) return;
      widths[widest] = (widths[widest] ?? 0) - 1;
    }
  };
  shrinkTo(header.map((h) => Math.max(4, visibleLength(h))));
  shrinkTo(header.map(() => 4));
  for (let c = widths.length - 1; c > 0 && total() > width; c--) widths[c] = 0;
  return widths;
}

/**
 * An aligned table: a bold header, then one line per row, cells cut with "…" where the
 * terminal is too narrow and columns that cannot fit hidden (see {@link fitColumns}). Lines carry no
 * trailing spaces.
 */
export function table(style: Style, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = fitColumns([header, ...rows], style.width);
  const line = (cells: readonly string[]) =>
    cells.flatMap((cell, c) => ((widths[c] ?? 0) > 0 ? [[cell, c] as const] : [])).map(([cell, c]) => {
      const w = widths[c] ?? 0;
      const plain = cell.replace(/\x1b\[[0-9;]*m/g, "");
      const shown = visibleLength(cell) > w ? truncate(plain, w) : cell;
      return shown + " ".repeat(Math.max(0, w - visibleLength(shown)));
    }).join("  ").trimEnd();
  return [paint(style, "bold", line(header)), ...rows.map(line)].join("\n");
}

/** Key/value lines (`key: value`), keys padded to one width. */
export function fields(entries: readonly (readonly [string, string])[]): string {
  const w = Math.max(0, ...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${`${k}:`.padEnd(w + 1)} ${v}`).join("\n");
}

/**
 * A duration in seconds as operators read it: `12 s`, `5 min`, `3 h 20 min`, `2 d 4 h`.
 * Negative durations (clock skew) read as `0 s`.
 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return `${Math.floor(s / 3600)} h${m ? ` ${m} min` : ""}`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return `${Math.floor(s / 86_400)} d${h ? ` ${h} h` : ""}`;
}

/** `thenSecs` relative to `nowSecs`: `12 s ago`, or `in 5 s` for a time ahead of the clock. */
export function ago(thenSecs: number, nowSecs: number): string {
  return thenSecs > nowSecs + 1 ? `in ${duration(thenSecs - nowSecs)}` : `${duration(nowSecs - thenSecs)} ago`;
}

/** Epoch seconds as an ISO-8601 UTC time without milliseconds, e.g. `2023-11-14T22:13:20Z`. */
export function isoTime(epochSecs: number): string {
  const date = new Date(epochSecs * 1000);
  return Number.isNaN(date.getTime()) ? String(epochSecs) : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The first line of a (Java stack-trace) error text, for one table cell. */
export function firstLine(text: string): string {
  return text.split("\n", 1)[0]?.trim() ?? "";
}
