// A study's agreement as CSV for a lead's own analysis (R, Python, a spreadsheet): one row per
// case, reader pair and segment (and the row of all lesion segments merged), every figure at full
// precision, a header row; the figures' definitions go in a second file (definitionsCsv), so the
// data file stays plain for every CSV reader (a "#" comment line is not standard, RFC 4180).
import type { CaseAgreement } from '../model/review.ts';
import { FIGURE_FIELDS } from './definitions.ts';

export const CSV_HEADER = ['study', 'case_id', 'case', 'reader_a_id', 'reader_a', 'reader_b_id', 'reader_b', 'scope', 'segment', ...FIGURE_FIELDS.map(([, name]) => name), 'computed_at'];

export interface CsvCase {
  caseId: number;
  label: string;
  agreement: CaseAgreement;
}

/**
 * One field (RFC 4180 §2): quoted when it holds a comma, a quote, CR or LF, quotes doubled.
 * A text (not a number) starting with = + - @ or a tab is prefixed with ' so that a spreadsheet
 * shows it instead of running it as a formula (OWASP "CSV injection"): case labels and reader
 * names are typed by people.
 */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return fields.map(csvField).join(',');
}

/** CRLF line ends, as RFC 4180 writes them (and spreadsheets expect). */
export function agreementCsv(studyName: string, cases: readonly CsvCase[], readerName: (userId: number) => string): string {
  const lines = [csvLine(CSV_HEADER)];
  const sorted = [...cases].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }) || a.caseId - b.caseId);
  for (const c of sorted) {
    for (const pair of c.agreement.pairs) {
      lines.push(
        csvLine([
          studyName,
          c.caseId,
          c.label,
          pair.userA,
          readerName(pair.userA),
          pair.userB,
          readerName(pair.userB),
          pair.segment === null ? 'all lesions' : 'segment',
          pair.segment ?? '',
          ...FIGURE_FIELDS.map(([key]) => pair.figures[key]),
          c.agreement.computedAt,
        ]),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** The companion file: one row per column of the data file that needs explaining. */
export function definitionsCsv(definitions: Readonly<Record<string, string>>): string {
  const lines = [csvLine(['column', 'definition'])];
  lines.push(csvLine(['scope', '"all lesions": every nonzero label of both reads merged into one mask; "segment": the segment named in the segment column, matched across the two reads by its label']));
  lines.push(csvLine(['reader_a / reader_b', 'the two reads compared; A − B differences are reader A minus reader B']));
  for (const [name, text] of Object.entries(definitions)) lines.push(csvLine([name, text]));
  return lines.join('\r\n') + '\r\n';
}

/** A file name from a study name: letters, digits, underscores and dashes only. */
export function fileSlug(name: string): string {
  return name.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'study';
}
