// A study's agreement as CSV for a lead's own analysis (R, Python, a spreadsheet): one row per
// case, reader pair and segment (and the row of all lesion segments merged), every figure at full
// precision, a header row; the figures' definitions go in a second file (definitionsCsv), so the
// data file stays plain for every CSV reader (a "#" comment line is not standard, RFC 4180).
import type { CaseAgreement, PairAgreement } from '../model/review.ts';
import { FIGURE_FIELDS } from './definitions.ts';

export interface CsvCase {
  caseId: number;
  label: string;
  agreement: CaseAgreement;
}

type CsvValue = string | number | boolean | null | undefined;

/** What one row is written from: a reader pair's figures in a case. */
interface AgreementRow {
  study: string;
  c: CsvCase;
  pair: PairAgreement;
  readerName: (userId: number) => string;
}

/**
 * The agreement CSV's columns in order, each with its value in a row: the one definition of the
 * lead's CSV (agreementCsv) and of the research export's agreement.csv (src/export/agreementCsv.ts,
 * which writes a subset of them).
 */
const AGREEMENT_COLUMNS: ReadonlyArray<readonly [string, (row: AgreementRow) => CsvValue]> = [
  ['study', (r) => r.study],
  ['case_id', (r) => r.c.caseId],
  ['case', (r) => r.c.label],
  ['reader_a_id', (r) => r.pair.userA],
  ['reader_a', (r) => r.readerName(r.pair.userA)],
  ['reader_b_id', (r) => r.pair.userB],
  ['reader_b', (r) => r.readerName(r.pair.userB)],
  ['scope', (r) => (r.pair.segment === null ? 'all lesions' : 'segment')],
  ['segment', (r) => r.pair.segment ?? ''],
  ...FIGURE_FIELDS.map(([key, name]): readonly [string, (row: AgreementRow) => CsvValue] => [name, (r) => r.pair.figures[key]]),
  ['computed_at', (r) => r.c.agreement.computedAt],
];

export const CSV_HEADER = AGREEMENT_COLUMNS.map(([name]) => name);

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

/**
 * The agreement table of `cases` in the order given: a header row, then one row per case and
 * reader pair (and segment), with the columns named in `columns` (CSV_HEADER's names; all of them
 * when not given), CRLF line ends as RFC 4180 writes them (and spreadsheets expect).
 */
export function agreementTable(cases: readonly CsvCase[], readerName: (userId: number) => string, options: { study?: string; columns?: readonly string[] } = {}): string {
  const byName = new Map(AGREEMENT_COLUMNS);
  const columns = (options.columns ?? CSV_HEADER).map((name): [string, (row: AgreementRow) => CsvValue] => {
    const value = byName.get(name);
    if (!value) throw new Error(`the agreement CSV has no column ${name}`);
    return [name, value];
  });
  const lines = [csvLine(columns.map(([name]) => name))];
  const study = options.study ?? '';
  for (const c of cases) {
    for (const pair of c.agreement.pairs) {
      const row: AgreementRow = { study, c, pair, readerName };
      lines.push(csvLine(columns.map(([, value]) => value(row))));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** A study's agreement for its lead, cases in label order. */
export function agreementCsv(studyName: string, cases: readonly CsvCase[], readerName: (userId: number) => string): string {
  const sorted = [...cases].sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }) || a.caseId - b.caseId);
  return agreementTable(sorted, readerName, { study: studyName });
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
