// agreement.csv of the research export: the agreements the leads' reviews kept on the server,
// only those still of the reads' current versions (server/study/reviewQueue.ts studyAgreements),
// one row per case, reader pair and segment, with the figures and definitions of the review's own
// CSV (src/review/exportCsv.ts, src/review/definitions.ts), written by its agreementTable. Unlike
// that CSV, readers are named by pseudonym and no user id or study name is written: the dataset
// leaves the study's server.
import type { CaseAgreement } from '../model/review.ts';
import { pairFigureDefinitions } from '../review/definitions.ts';
import { CSV_HEADER, agreementTable } from '../review/exportCsv.ts';

export interface AgreementCase {
  case: string;
  agreement: CaseAgreement;
}

/** The review CSV's columns that name the study or a user. */
const IDENTIFYING = new Set(['study', 'case_id', 'reader_a_id', 'reader_b_id']);
const COLUMNS = CSV_HEADER.filter((name) => !IDENTIFYING.has(name));

export function agreementColumns(): Array<[string, string]> {
  const defs = pairFigureDefinitions();
  const about: Record<string, string> = {
    case: 'Case pseudonym, as in reads.csv.',
    reader_a: `Reader pseudonym of A. ${defs.reference}`,
    reader_b: 'Reader pseudonym of B.',
    scope: '"all lesions": every nonzero label of both reads merged into one mask; "segment": the segment named in the segment column, matched across the two reads by its label.',
    segment: 'The segment compared (scope "segment").',
    computed_at: 'When the lead\'s browser computed the agreement (ISO 8601).',
  };
  return COLUMNS.map((name): [string, string] => [name, about[name] ?? defs[name]]);
}

/** Cases in the order of their pseudonyms; `readerName` gives a reader's pseudonym. */
export function agreementCsv(cases: readonly AgreementCase[], readerName: (userId: number) => string): string {
  const sorted = [...cases].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
  // The case column is the review's label column: here it carries the pseudonym.
  return agreementTable(
    sorted.map((c) => ({ caseId: c.agreement.caseId, label: c.case, agreement: c.agreement })),
    readerName,
    { columns: COLUMNS },
  );
}
