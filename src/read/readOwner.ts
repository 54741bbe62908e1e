// Who owns the labelmap on a viewer page: the reader's own read, or a lead's review of another's.
// The page opens one per case from the URL and hands it to the viewer.
import type { LocalDb } from '../storage/localDb.ts';
import type { LabelmapOwner } from '../viewer/labelmapOwner.ts';
import { ReadSession } from './readSession.ts';
import { reviewRequest, ReviewRead } from './reviewRead.ts';

export interface ReadOwner extends LabelmapOwner {
  submit(): Promise<string>;
  importSegFile(file: File): Promise<string>;
  takeReplacement(): Promise<void>;
  keepCurrent(): void;
}

export function openReadOwner(db: LocalDb, studyUid: string, seriesUid: string, reader: string, search: string): ReadOwner {
  const review = reviewRequest(search);
  return review ? new ReviewRead(studyUid, review) : new ReadSession(db, { studyUid, seriesUid, reader });
}
