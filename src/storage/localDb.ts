// What must survive a reload, a crash or a lost network, in IndexedDB (Dexie). The Zustand
// stores hold what the screen shows; this holds what the reader must never lose. Every record
// is keyed by case and reader, so drafts become per-user without a migration once login exists.
import type { Measurement } from '../measure/measurementModel.ts';
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { DraftSegment } from '../model/segment.ts';

/** A case is one CT series of one study. */
export function caseKey(studyUid: string, seriesUid: string): string {
  return `${studyUid}/${seriesUid}`;
}

export interface DraftRecord {
  caseKey: string;
  user: string;
  /** Raised by every save; a slice row carries the version that last wrote it. */
  version: number;
  dims: [number, number, number];
  updatedAt: number;
}

export interface DraftSliceRecord {
  caseKey: string;
  user: string;
  /** Axial slice index. */
  k: number;
  version: number;
  /** The slice's label bytes, deflate-compressed (a mostly empty slice is a few hundred bytes). */
  bytes: Uint8Array;
}

export interface SegmentListRecord {
  caseKey: string;
  user: string;
  segments: DraftSegment[];
  activeValue: number;
  updatedAt: number;
}

export interface FormAnswerRecord {
  caseKey: string;
  user: string;
  itemId: string;
  value: unknown;
  updatedAt: number;
}

export interface OutboxRecord {
  id?: number;
  caseKey: string;
  user: string;
  kind: 'seg' | 'form';
  sopInstanceUid: string;
  state: 'waiting' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  body: Uint8Array;
}

export interface SyncLogRecord {
  id?: number;
  at: number;
  caseKey: string;
  user: string;
  event: string;
}

/** A series the reader asked to keep on this device (its frames are in Cache Storage). */
export interface OfflineSeriesRecord {
  studyUid: string;
  seriesUid: string;
  frames: number;
  bytes: number;
  savedAt: number;
}

/** A measurement drawn on the views, kept with the form answers of the case. */
export interface MeasurementRecord {
  caseKey: string;
  user: string;
  id: string;
  measurement: Measurement;
}

/**
 * The series a reader's results of one case go into: random UIDs, made on the first submit (or
 * learnt from the archive, a submit made on another device), so nobody else can compute them and
 * claim them first. Kept here so that later submits reuse them, across reloads.
 */
export interface ReadSeriesRecord {
  caseKey: string;
  user: string;
  segSeriesUid: string;
  formSeriesUid: string;
  /** 'random': made here; 'archive': found on the archive; 'legacy': the derived UIDs of reads submitted before version 4 */
  origin: 'random' | 'archive' | 'legacy';
  createdAt: number;
}

/**
 * The automatic lung masks of a case, kept with the reader's draft so that reopening it does not
 * compute them again. Not part of the read: they never go into the SEG.
 */
export interface QuantRecord {
  caseKey: string;
  user: string;
  /** which algorithm made the mask: a mask from another one is computed afresh */
  method: string;
  dims: [number, number, number];
  rightMl: number;
  leftMl: number;
  /** the LUNG values of every voxel, deflate-compressed (a few hundred KB for a chest CT) */
  bytes: Uint8Array;
  updatedAt: number;
}

export class LocalDb extends Dexie {
  drafts!: Table<DraftRecord, [string, string]>;
  draftSlices!: Table<DraftSliceRecord, [string, string, number]>;
  segmentLists!: Table<SegmentListRecord, [string, string]>;
  formAnswers!: Table<FormAnswerRecord, [string, string, string]>;
  outbox!: EntityTable<OutboxRecord, 'id'>;
  syncLog!: EntityTable<SyncLogRecord, 'id'>;
  offlineSeries!: Table<OfflineSeriesRecord, [string, string]>;
  measurements!: Table<MeasurementRecord, [string, string, string]>;
  readSeries!: Table<ReadSeriesRecord, [string, string]>;
  quant!: Table<QuantRecord, [string, string]>;

  constructor(name = 'ctaw') {
    super(name);
    // Each version lists only what changes; Dexie upgrades an older database step by step on open,
    // running a version's upgrade() where rows must be rewritten.
    this.version(1).stores({
      drafts: '[caseKey+user], updatedAt',
      draftSlices: '[caseKey+user+k], [caseKey+user]',
      segmentLists: '[caseKey+user]',
      formAnswers: '[caseKey+user+itemId], [caseKey+user]',
      outbox: '++id, [caseKey+user], state, createdAt',
      syncLog: '++id, at, [caseKey+user]',
    });
    // Version 2: series kept for offline use. New table, no rows to rewrite.
    this.version(2).stores({
      offlineSeries: '[studyUid+seriesUid], savedAt',
    });
    // Version 3: measurements of the read form. New table.
    this.version(3).stores({
      measurements: '[caseKey+user+id], [caseKey+user]',
    });
    // Version 4: the random series of a reader's results (before, derived from case and reader,
    // which anyone knowing both could compute). No rows rewritten: a case submitted before has
    // no record, and its derived series is looked up on first use (src/read/readSeries.ts),
    // since the UID is a SHA-256 that an upgrade transaction cannot wait for.
    this.version(4).stores({
      readSeries: '[caseKey+user]',
    });
    // Version 5: the automatic lung masks of a read (src/read/readQuantification.ts). New table.
    this.version(5).stores({
      quant: '[caseKey+user]',
    });
  }
}

let db: LocalDb | null = null;

export function localDb(): LocalDb {
  db ??= new LocalDb();
  return db;
}
