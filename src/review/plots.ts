// The statistics plots as geometry: where each point, line and tick goes in an SVG of a given
// size, and what each point names. Pure, so the statistics screen (src/review/ui/PlotView.tsx)
// and the study report (exportReport.ts) draw the same plot from the same numbers; one draws it
// with React, the other as escaped SVG text.
import { nice, ticks } from 'd3-array';
import { DICE_BINS, diceBin } from '../stats/diceHistogram.ts';

export interface PlotTick {
  /** pixel position along its axis */
  at: number;
  label: string;
}

export interface PlotPoint {
  x: number;
  y: number;
  /** the case the point stands for: hovering names it, clicking opens its review (null: a study figure) */
  caseId: number | null;
  /** the tooltip: case, readers, values */
  tip: string;
  /** index into the plot's groups (its colour) */
  group: number;
}

export interface PlotLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** bias, limit: Bland–Altman; zero, reference: a fixed value; interval: a confidence interval */
  kind: 'bias' | 'limit' | 'zero' | 'reference' | 'interval';
  label: string;
}

export interface PlotSpec {
  title: string;
  width: number;
  height: number;
  /** the plotting area in pixels */
  area: { left: number; top: number; right: number; bottom: number };
  xLabel: string;
  yLabel: string;
  xTicks: PlotTick[];
  yTicks: PlotTick[];
  points: PlotPoint[];
  lines: PlotLine[];
  /** names of the point groups, for a legend (one group: none shown) */
  groups: string[];
  /** what the plot would show when it has no points */
  empty: string | null;
  /** the point radius */
  radius: number;
}

const WIDTH = 520;
const HEIGHT = 320;
const AREA = { left: 64, top: 28, right: WIDTH - 16, bottom: HEIGHT - 48 };

/** A tick label: no float noise (0.30000000000000004), no exponent for ordinary sizes. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(6)));
}

/** A figure as the screen and the report show it: `digits` decimals, "–" for none. */
export function formatFigure(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toFixed(digits);
}

function linear(domain: [number, number], range: [number, number]): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** A nice domain over the values (padded when they are all one value). */
function niceDomain(values: number[], count: number): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  return nice(lo, hi, count);
}

function axisTicks(domain: [number, number], scale: (v: number) => number, count: number): PlotTick[] {
  return ticks(domain[0], domain[1], count).map((t) => ({ at: scale(t), label: tickLabel(t) }));
}

export interface BlandAltmanPoint {
  caseId: number;
  label: string;
  /** reader A's lesion volume (mL) */
  a: number;
  b: number;
}

/** Bland–Altman of lesion volume for one reader pair: mean of the two (x) against A − B (y). */
export function blandAltmanPlot(params: {
  readerA: string;
  readerB: string;
  points: readonly BlandAltmanPoint[];
  bias: number | null;
  lowerLimit: number | null;
  upperLimit: number | null;
}): PlotSpec {
  const { points, bias, lowerLimit, upperLimit } = params;
  const means = points.map((p) => (p.a + p.b) / 2);
  const diffs = points.map((p) => p.a - p.b);
  const lineValues = [bias, lowerLimit, upperLimit, 0].filter((v): v is number => v !== null);
  const xDomain = niceDomain(means.length ? [0, ...means] : [0, 1], 6);
  const yDomain = niceDomain([...diffs, ...lineValues], 6);
  const x = linear(xDomain, [AREA.left, AREA.right]);
  const y = linear(yDomain, [AREA.bottom, AREA.top]);
  const across = (v: number, kind: PlotLine['kind'], label: string): PlotLine => ({ x1: AREA.left, x2: AREA.right, y1: y(v), y2: y(v), kind, label });
  const lines: PlotLine[] = [across(0, 'zero', '')];
  if (bias !== null) lines.push(across(bias, 'bias', `mean ${tickLabel(Number(bias.toFixed(3)))} mL`));
  if (lowerLimit !== null) lines.push(across(lowerLimit, 'limit', `−1.96 SD ${tickLabel(Number(lowerLimit.toFixed(3)))} mL`));
  if (upperLimit !== null) lines.push(across(upperLimit, 'limit', `+1.96 SD ${tickLabel(Number(upperLimit.toFixed(3)))} mL`));
  return {
    title: `Lesion volume: ${params.readerA} vs ${params.readerB}`,
    width: WIDTH,
    height: HEIGHT,
    area: AREA,
    xLabel: `Mean of the two volumes (mL)`,
    yLabel: `${params.readerA} − ${params.readerB} (mL)`,
    xTicks: axisTicks(xDomain, x, 6),
    yTicks: axisTicks(yDomain, y, 6),
    points: points.map((p, i) => ({
      x: x(means[i]),
      y: y(diffs[i]),
      caseId: p.caseId,
      group: 0,
      tip: `${p.label}: ${params.readerA} ${formatFigure(p.a)} mL, ${params.readerB} ${formatFigure(p.b)} mL, difference ${formatFigure(diffs[i])} mL`,
    })),
    lines,
    groups: [],
    empty: points.length ? null : 'No case has a lesion volume from both readers.',
    radius: 4,
  };
}

export interface DiceCase {
  caseId: number;
  label: string;
  dice: number;
}

/**
 * The per-case Dice as a dot histogram: the bins of src/stats/diceHistogram.ts (0.05 wide), one
 * dot per case stacked in its bin, so each case can still be pointed at.
 */
export function diceHistogramPlot(cases: readonly DiceCase[], what: string): PlotSpec {
  const binWidthPx = (AREA.right - AREA.left) / DICE_BINS;
  const sorted = [...cases].sort((a, b) => a.dice - b.dice || a.caseId - b.caseId);
  const height = new Array<number>(DICE_BINS).fill(0);
  const placed = sorted.map((c) => {
    const bin = diceBin(Math.min(1, Math.max(0, c.dice)));
    return { c, bin, level: height[bin]++ };
  });
  const maxCount = Math.max(1, ...height);
  const yDomain: [number, number] = [0, Math.max(4, nice(0, maxCount, 5)[1])];
  const y = linear(yDomain, [AREA.bottom, AREA.top]);
  const step = y(0) - y(1);
  const radius = Math.max(1.5, Math.min(binWidthPx / 2 - 1, step / 2 - 0.5, 6));
  const x = linear([0, 1], [AREA.left, AREA.right]);
  return {
    title: `Dice per case (${what})`,
    width: WIDTH,
    height: HEIGHT,
    area: AREA,
    xLabel: 'Dice',
    yLabel: 'Cases',
    xTicks: ticks(0, 1, 10).map((t) => ({ at: x(t), label: tickLabel(t) })),
    yTicks: axisTicks(yDomain, y, 5).filter((t) => Number.isInteger(Number(t.label))),
    points: placed.map(({ c, bin, level }) => ({
      x: AREA.left + (bin + 0.5) * binWidthPx,
      y: y(level + 0.5),
      caseId: c.caseId,
      group: 0,
      tip: `${c.label}: Dice ${formatFigure(c.dice, 3)}`,
    })),
    lines: [],
    groups: [],
    empty: cases.length ? null : 'No case has a Dice yet.',
    radius,
  };
}

export interface TimedRead {
  caseId: number;
  label: string;
  userId: number;
  reader: string;
  readingTimeS: number;
}

/** Reading time of each read (minutes), one column of dots per reader, spread sideways to be seen. */
export function readingTimePlot(reads: readonly TimedRead[]): PlotSpec {
  const readers = [...new Map(reads.map((r) => [r.userId, r.reader])).entries()].sort((a, b) => a[0] - b[0]);
  const column = new Map(readers.map(([id], i) => [id, i]));
  const minutes = reads.map((r) => r.readingTimeS / 60);
  const yDomain = niceDomain(minutes.length ? [0, ...minutes] : [0, 10], 6);
  const y = linear(yDomain, [AREA.bottom, AREA.top]);
  const band = (AREA.right - AREA.left) / Math.max(1, readers.length);
  const seen = new Map<number, number>();
  const points = reads.map((r, i) => {
    const c = column.get(r.userId)!;
    const n = seen.get(r.userId) ?? 0;
    seen.set(r.userId, n + 1);
    // A fixed spread (golden-ratio steps), so the plot is the same on every draw and in the report.
    const offset = (((n * 0.618033988749895) % 1) - 0.5) * band * 0.6;
    return { x: AREA.left + (c + 0.5) * band + offset, y: y(minutes[i]), caseId: r.caseId, group: c, tip: `${r.label}, ${r.reader}: ${formatFigure(minutes[i], 1)} min` };
  });
  return {
    title: 'Reading time per read',
    width: WIDTH,
    height: HEIGHT,
    area: AREA,
    xLabel: 'Reader',
    yLabel: 'Minutes (opening the case to submitting)',
    xTicks: readers.map(([, name], i) => ({ at: AREA.left + (i + 0.5) * band, label: name })),
    yTicks: axisTicks(yDomain, y, 6),
    points,
    lines: [],
    groups: readers.map(([, name]) => name),
    empty: reads.length ? null : 'No read has a known reading time (the server records it from the case being opened to the first submit).',
    radius: 3.5,
  };
}

export interface EstimateRow {
  /** the row's name (a form item, a reader pair) */
  label: string;
  /** one estimate per series (reader pair, or "all readers") */
  estimates: Array<{ series: string; value: number | null; lower?: number | null; upper?: number | null; note: string }>;
}

/**
 * Agreement coefficients (kappas, ICCs) as a dot plot: one row per item, a dot per estimate with
 * its confidence interval where there is one, on the coefficient's scale (−1 to 1, 0: chance, 1:
 * perfect agreement). Undefined estimates are left out of the plot (the table says why).
 */
export function estimatePlot(title: string, axis: string, rows: readonly EstimateRow[]): PlotSpec {
  const series = [...new Set(rows.flatMap((r) => r.estimates.map((e) => e.series)))];
  const rowHeight = 26;
  const area = { left: 190, top: 28, right: WIDTH - 16, bottom: 28 + Math.max(1, rows.length) * rowHeight };
  const height = area.bottom + 48;
  const values = rows.flatMap((r) => r.estimates.flatMap((e) => [e.value, e.lower ?? null, e.upper ?? null])).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...values) < 0 ? -1 : 0;
  const x = linear([lo, 1], [area.left, area.right]);
  const points: PlotPoint[] = [];
  const lines: PlotLine[] = [{ x1: x(0), x2: x(0), y1: area.top, y2: area.bottom, kind: 'reference', label: '' }];
  rows.forEach((r, i) => {
    const defined = r.estimates.filter((e) => e.value !== null && Number.isFinite(e.value));
    defined.forEach((e, j) => {
      // Series side by side within the row, so their intervals do not hide each other.
      const y = area.top + (i + 0.5) * rowHeight + (defined.length > 1 ? (j / (defined.length - 1) - 0.5) * rowHeight * 0.5 : 0);
      const v = Math.max(lo, Math.min(1, e.value!));
      if (e.lower !== undefined && e.lower !== null && e.upper !== undefined && e.upper !== null) {
        lines.push({ x1: x(Math.max(lo, e.lower)), x2: x(Math.min(1, e.upper)), y1: y, y2: y, kind: 'interval', label: '' });
      }
      points.push({ x: x(v), y, caseId: null, group: series.indexOf(e.series), tip: `${r.label}, ${e.series}: ${e.note}` });
    });
  });
  return {
    title,
    width: WIDTH,
    height,
    area,
    xLabel: axis,
    yLabel: '',
    xTicks: ticks(lo, 1, lo < 0 ? 8 : 5).map((t) => ({ at: x(t), label: tickLabel(t) })),
    yTicks: rows.map((r, i) => ({ at: area.top + (i + 0.5) * rowHeight, label: r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label })),
    points,
    lines,
    groups: series,
    empty: points.length ? null : 'No coefficient could be computed yet.',
    radius: 4,
  };
}
