// Who owns the labelmap on a viewer page, from its URL: the reader's own read (no parameter), a
// lead's look at one reader's read (?review=<SEG series>&reader=), a lead's review of a case's
// reads overlaid (?compare=<case>&a=<user>&b=<user>), or a lead's consensus of them
// (?consensus=<case>&from=one|union|intersection|majority&order=<user>,<user>…). The page opens
// one per case and hands it to the viewer.
import type { ConsensusStart } from '../review/consensusStart.ts';
import type { LocalDb } from '../storage/localDb.ts';
import type { LabelmapOwner } from '../viewer/labelmapOwner.ts';
import { CompareRead } from './compareRead.ts';
import { CONSENSUS_STARTS, ConsensusRead } from './consensusRead.ts';
import { ReadSession } from './readSession.ts';
import { reviewRequest, ReviewRead } from './reviewRead.ts';

export interface ReadOwner extends LabelmapOwner {
  submit(): Promise<string>;
  importSegFile(file: File): Promise<string>;
  takeReplacement(): Promise<void>;
  keepCurrent(): void;
}

const id = (v: string | null) => (v && /^\d{1,9}$/.test(v) ? Number(v) : undefined);

export function openReadOwner(db: LocalDb, studyUid: string, seriesUid: string, reader: string, search: string): ReadOwner {
  const params = new URLSearchParams(search);
  const compare = id(params.get('compare'));
  if (compare !== undefined) return new CompareRead(studyUid, compare, { a: id(params.get('a')), b: id(params.get('b')) });
  const consensus = id(params.get('consensus'));
  if (consensus !== undefined) {
    const from = (CONSENSUS_STARTS as string[]).includes(params.get('from') ?? '') ? (params.get('from') as ConsensusStart) : 'union';
    const order = (params.get('order') ?? '').split(',').map((v) => id(v)).filter((v): v is number => v !== undefined);
    return new ConsensusRead(db, studyUid, seriesUid, reader, consensus, { from, order });
  }
  const review = reviewRequest(search);
  return review ? new ReviewRead(studyUid, review) : new ReadSession(db, { studyUid, seriesUid, reader });
}

/** The viewer's query for a case's review and for its consensus. */
export function compareQuery(caseId: number, a?: number, b?: number): string {
  return `?compare=${caseId}${a !== undefined ? `&a=${a}` : ''}${b !== undefined ? `&b=${b}` : ''}`;
}

export function consensusQuery(caseId: number, from: ConsensusStart, order: number[]): string {
  return `?consensus=${caseId}&from=${from}&order=${order.join(',')}`;
}
