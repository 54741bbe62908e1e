// The study report: one self-contained HTML file (no script, no external resource: it opens from
// a disk or a mail attachment as it was written) with the statistics screen's tables, its plots as
// inline SVG, the notes and every figure's definition. Every text that comes from data (study,
// case and reader names, form labels and answers) goes through escapeHtml: the report shows
// DICOM and user text as text, never as markup.
import type { IccEstimate } from '../stats/intraclassCorrelation.ts';
import type { KappaResult } from '../stats/cohenKappa.ts';
import { formatFigure, type PlotSpec } from './plots.ts';
import type { StudyStatistics } from './studyStatistics.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0');

const GROUP_COLORS = ['#2f7fd8', '#d8662f', '#2fa86b', '#a84fd0', '#c9a227', '#d04f7c', '#4fb8c9', '#7a7a7a'];

/** A plot as inline SVG; each point's tooltip is an SVG <title>. */
export function plotSvg(plot: PlotSpec): string {
  const { area } = plot;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${plot.width}" height="${plot.height}" viewBox="0 0 ${plot.width} ${plot.height}" role="img" aria-label="${escapeHtml(plot.title)}">`);
  out.push(`<text x="${num(area.left)}" y="16" class="plot-title">${escapeHtml(plot.title)}</text>`);
  out.push(`<rect x="${num(area.left)}" y="${num(area.top)}" width="${num(area.right - area.left)}" height="${num(area.bottom - area.top)}" fill="none" stroke="#bbb"/>`);
  for (const t of plot.xTicks) {
    out.push(`<line x1="${num(t.at)}" x2="${num(t.at)}" y1="${num(area.bottom)}" y2="${num(area.bottom + 4)}" stroke="#888"/>`);
    out.push(`<text x="${num(t.at)}" y="${num(area.bottom + 16)}" text-anchor="middle" class="tick">${escapeHtml(t.label)}</text>`);
  }
  for (const t of plot.yTicks) {
    out.push(`<line x1="${num(area.left - 4)}" x2="${num(area.left)}" y1="${num(t.at)}" y2="${num(t.at)}" stroke="#888"/>`);
    out.push(`<text x="${num(area.left - 6)}" y="${num(t.at + 4)}" text-anchor="end" class="tick">${escapeHtml(t.label)}</text>`);
  }
  out.push(`<text x="${num((area.left + area.right) / 2)}" y="${num(plot.height - 8)}" text-anchor="middle" class="axis">${escapeHtml(plot.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${num((area.top + area.bottom) / 2)}) rotate(-90)" text-anchor="middle" class="axis">${escapeHtml(plot.yLabel)}</text>`);
  for (const l of plot.lines) {
    const dash = l.kind === 'limit' || l.kind === 'reference' ? ' stroke-dasharray="6 4"' : '';
    const stroke = { zero: '#ccc', reference: '#aaa', bias: '#333', limit: '#c33', interval: '#555' }[l.kind];
    out.push(`<line x1="${num(l.x1)}" x2="${num(l.x2)}" y1="${num(l.y1)}" y2="${num(l.y2)}" stroke="${stroke}"${dash}/>`);
    if (l.label) out.push(`<text x="${num(l.x2 - 4)}" y="${num(l.y1 - 4)}" text-anchor="end" class="line-label">${escapeHtml(l.label)}</text>`);
  }
  for (const p of plot.points) {
    out.push(`<circle cx="${num(p.x)}" cy="${num(p.y)}" r="${num(plot.radius)}" fill="${GROUP_COLORS[p.group % GROUP_COLORS.length]}" fill-opacity="0.75"><title>${escapeHtml(p.tip)}</title></circle>`);
  }
  if (plot.points.length === 0 && plot.empty) {
    out.push(`<text x="${num((area.left + area.right) / 2)}" y="${num((area.top + area.bottom) / 2)}" text-anchor="middle" class="empty">${escapeHtml(plot.empty)}</text>`);
  }
  out.push('</svg>');
  if (plot.groups.length > 1) {
    const items = plot.groups.map((g, i) => `<span><i style="background:${GROUP_COLORS[i % GROUP_COLORS.length]}"></i>${escapeHtml(g)}</span>`);
    return `<figure>${out.join('')}<figcaption class="legend">${items.join(' ')}</figcaption></figure>`;
  }
  return out.join('');
}

function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export const kappaText = (k: KappaResult | null): string => (k === null ? '–' : k.kappa === null ? `undefined (${k.reason ?? ''})` : formatFigure(k.kappa, 3));

export const iccText = (e: IccEstimate): string =>
  e.value === null ? `undefined (${e.reason ?? ''})` : `${formatFigure(e.value, 3)} (${e.lower === null ? '–' : formatFigure(e.lower, 3)} to ${e.upper === null ? '–' : formatFigure(e.upper, 3)})`;

/** The tables of the statistics, as plain text cells (the screen and the report show the same). */
export function statisticsTables(stats: StudyStatistics): Array<{ title: string; head: string[]; rows: string[][] }> {
  const name = new Map(stats.readers.map((r) => [String(r.userId), r.name]));
  const reader = (id: string) => name.get(id) ?? id;
  const pct = Math.round(stats.summary.confidence * 100);
  const label = new Map(stats.items.map((i) => [i.id, i.label]));
  const kappaRows = stats.summary.items.flatMap((item) =>
    item.pairs.map((p) => [label.get(item.itemId) ?? item.itemId, item.kind, `${reader(p.readerA)} / ${reader(p.readerB)}`, String(p.n), kappaText(p.unweighted), kappaText(p.linear), kappaText(p.quadratic)]),
  );
  const fleissRows = stats.summary.items.map((item) => [
    label.get(item.itemId) ?? item.itemId,
    String(item.fleiss.subjects),
    String(item.fleiss.ratersPerSubject),
    item.fleiss.kappa === null ? `undefined (${item.fleiss.reason ?? ''})` : formatFigure(item.fleiss.kappa, 3),
    String(item.fleiss.casesExcluded),
  ]);
  const v = stats.summary.volume;
  const iccRows = [
    ...v.pairs.map((p) => [`${reader(p.readerA)} / ${reader(p.readerB)}`, String(p.n), iccText(p.icc2), iccText(p.icc3)]),
    [`all ${v.allReaders.readers} readers (cases read by all)`, String(v.allReaders.cases), iccText(v.allReaders.icc2), iccText(v.allReaders.icc3)],
  ];
  const baRows = v.pairs.map((p) => {
    const b = p.blandAltman;
    return [`${reader(p.readerA)} − ${reader(p.readerB)}`, String(b.n), formatFigure(b.bias, 3), formatFigure(b.sdDifference, 3), formatFigure(b.lowerLimit, 3), formatFigure(b.upperLimit, 3)];
  });
  return [
    { title: "Cohen's kappa per form item and reader pair", head: ['Item', 'Scale', 'Readers', 'n', 'κ unweighted', 'κ linear', 'κ quadratic'], rows: kappaRows },
    { title: "Fleiss' kappa across readers", head: ['Item', 'Cases', 'Readers per case', 'κ', 'Cases left out'], rows: fleissRows },
    { title: `ICC of lesion volume (${pct}% CI)`, head: ['Readers', 'Cases', 'ICC(2,1)', 'ICC(3,1)'], rows: iccRows },
    {
      title: 'One-way ICC(1,1) of lesion volume (any readers per case)',
      head: ['Readers per case', 'Cases', 'ICC(1,1)', 'Cases left out'],
      rows: [[String(v.oneWay.readersPerCase), String(v.oneWay.cases), iccText(v.oneWay.icc1), String(v.oneWay.casesExcluded)]],
    },
    { title: 'Bland–Altman of lesion volume (mL)', head: ['Readers', 'n', 'Mean difference', 'SD', 'Lower limit', 'Upper limit'], rows: baRows },
  ];
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;color:#222;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}
th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}th{color:#555;font-weight:600}
.plots{display:flex;flex-wrap:wrap;gap:16px}svg{background:#fff;border:1px solid #eee}
.plot-title{font-weight:600;font-size:13px}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}
.line-label{font-size:11px;fill:#333}.empty{font-size:12px;fill:#888}dt{font-weight:600;margin-top:6px}dd{margin-left:16px}
.muted{color:#666}figure{margin:0}.legend{font-size:12px;display:flex;flex-wrap:wrap;gap:10px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px}`;

export interface ReportDefinitions {
  /** figure name → definition (src/metrics METRIC_DEFINITIONS and the notes) */
  figures: Readonly<Record<string, string>>;
}

export function studyReportHtml(stats: StudyStatistics, definitions: ReportDefinitions): string {
  const s = stats.summary;
  const sections: string[] = [];
  sections.push(`<h1>${escapeHtml(`Reader agreement: ${stats.studyName}`)}</h1>`);
  sections.push(`<p class="muted">${escapeHtml(`${s.cases} cases, ${s.reads} reads, ${stats.readers.length} readers (${stats.readers.map((r) => r.name).join(', ')}). Generated ${stats.generatedAt}.`)}</p>`);
  for (const t of statisticsTables(stats)) sections.push(`<h2>${escapeHtml(t.title)}</h2>${t.rows.length ? table(t.head, t.rows) : '<p class="muted">None.</p>'}`);
  sections.push('<h2>Plots</h2><div class="plots">');
  sections.push(plotSvg(stats.kappaPlot), plotSvg(stats.iccPlot));
  for (const p of stats.volumePairs) sections.push(plotSvg(p.plot));
  sections.push(plotSvg(stats.dicePlot), plotSvg(stats.readingTimePlot), '</div>');
  sections.push(`<h2>Notes</h2><ul>${stats.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  sections.push(`<h2>Definitions</h2><dl>${Object.entries(definitions.figures).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`);
  // No script, and a CSP that forbids one, so the file stays a document whatever it is opened with.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`Reader agreement: ${stats.studyName}`)}</title>
<style>${STYLE}</style></head>
<body>
${sections.join('\n')}
</body></html>
`;
}
