// A read: one reader's reading of one case of a study, and the results it leaves on the archive.
// The server knows a read by its assignment (server/study/worklist.ts derives the state); the
// browser by case key and reader (src/storage).

/**
 * A read's state as the server knows it:
 *   new          assigned, never opened
 *   in_progress  opened at least once, no result stored yet
 *   submitted    a result (SEG or SR) of this reader for this case is stored on the server
 * "Submitted but not yet synced" exists only in the browser (its outbox).
 */
export const READ_STATES = ['new', 'in_progress', 'submitted'] as const;
export type ReadState = (typeof READ_STATES)[number];

export interface Read {
  caseId: number;
  /** the reader's user id */
  userId: number;
  state: ReadState;
}

/** What a read stores: a DICOM-SEG (the segments) or an SR (the read form). */
export type ResultKind = 'seg' | 'sr';

/** The result objects of one kind a reader stored in one series. */
export interface ReadResult {
  kind: ResultKind;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUids: string[];
  /** ISO 8601: when the latest of them reached the server */
  storedAt: string;
}
