// agreement.csv of the research export: the agreements the leads' reviews kept on the server,
// only those still of the reads' current versions (server/study/reviewQueue.ts studyAgreements),
// one row per case, reader pair and segment, with the figures and definitions of the review's own
// CSV (src/review/exportCsv.ts, src/review/definitions.ts). Unlike that CSV, readers are named by
// pseudonym and no user id or study name is written: the dataset leaves the study's server.
import type { CaseAgreement } from '../model/review.ts';
import { FIGURE_FIELDS, pairFigureDefinitions } from '../review/definitions.ts';
import { csvLine } from '../review/exportCsv.ts';

export interface AgreementCase {
  case: string;
  agreement: CaseAgreement;
}

export function agreementColumns(): Array<[string, string]> {
  const defs = pairFigureDefinitions();
  return [
    ['case', 'Case pseudonym, as in reads.csv.'],
    ['reader_a', `Reader pseudonym of A. ${defs.reference}`],
    ['reader_b', 'Reader pseudonym of B.'],
    ['scope', '"all lesions": every nonzero label of both reads merged into one mask; "segment": the segment named in the segment column, matched across the two reads by its label.'],
    ['segment', 'The segment compared (scope "segment").'],
    ...FIGURE_FIELDS.map(([, name]): [string, string] => [name, defs[name]]),
    ['computed_at', 'When the lead\'s browser computed the agreement (ISO 8601).'],
  ];
}

export function agreementCsv(cases: readonly AgreementCase[], readerName: (userId: number) => string): string {
  const lines = [csvLine(agreementColumns().map(([name]) => name))];
  const sorted = [...cases].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0));
  for (const c of sorted) {
    for (const pair of c.agreement.pairs) {
      lines.push(
        csvLine([
          c.case,
          readerName(pair.userA),
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
