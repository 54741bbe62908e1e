// The gateway's JSON API (server/routes/*, documented in server/API.md), defined once for the
// server that answers and the browser that asks (src/study/studyApi.ts, src/auth/authApi.ts): a
// change of shape fails the type check on both sides. Times are ISO 8601 strings, as JSON carries
// them. "Study" here is a reading study (a set of cases to read), not a DICOM study.
import type { ReadResult, ReadState, ResultKind } from './read.ts';
import type { CaseAgreement, DisagreementSummary, ReadVersion, ReviewState } from './review.ts';

// --- who is asking ---

export const ROLES = ['reader', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The logged-in user as the browser is told (POST /api/auth/login, GET /api/auth/session). */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

/**
 * What the browser holds of its session (POST /api/auth/login): the session cookie is HttpOnly;
 * the CSRF token goes out in a header on every state-changing request.
 */
export interface ClientSession {
  user: SessionUser;
  csrfToken: string;
}

/** GET /api/auth/session */
export interface ClientSessionStatus extends ClientSession {
  expiresAt: string;
}

// --- a reader's worklist ---

/** One case assigned to the caller (GET /api/worklist). Nothing in it names another reader. */
export interface WorklistItem {
  caseId: number;
  studyId: number;
  studyName: string;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  state: ReadState;
  assignedAt: string;
  openedAt: string | null;
  /** when the latest result reached the server */
  submittedAt: string | null;
  /** kinds of result stored, sorted */
  resultKinds: ResultKind[];
}

/** GET /api/worklist: one page of the caller's cases, and how many match in all. */
export interface WorklistPage {
  total: number;
  items: WorklistItem[];
}

// --- reading studies and their cases ---

export interface Study {
  id: number;
  name: string;
  /** as the admin gave it; the server does not read it */
  formSchema: unknown;
  /** as the admin gave it; the server does not read it */
  segmentList: unknown;
  readersPerCase: number;
  /** seeds the random choice of readers per case, so an assignment can be reproduced */
  seed: string;
  createdAt: string;
}

export type StudySummary = Pick<Study, 'id' | 'name'>;

/** A study in GET /api/studies, with its number of cases. */
export interface StudyListing extends Study {
  cases: number;
}

/** GET /api/studies (lead, admin) */
export interface StudyList {
  studies: StudyListing[];
}

/** What a reader gets of a study they have cases in (GET /api/studies/:id); a lead or admin gets the whole Study. */
export type ReaderStudy = Pick<Study, 'id' | 'name' | 'formSchema' | 'segmentList'>;

/** POST /api/studies (admin) */
export interface NewStudy {
  name: string;
  formSchema?: object;
  segmentList?: unknown[];
  readersPerCase?: number;
  seed?: string;
}

/** A case: one CT series of a study, under the label readers see (never the patient's name). */
export interface CaseRef {
  id: number;
  studyId: number;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/** POST /api/studies/:id/cases (admin): the label defaults to "Case 0001", "Case 0002", … */
export interface NewCase {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  label?: string;
}

/** POST /api/studies/:id/cases: the cases added */
export interface AddedCases {
  cases: CaseRef[];
}

export interface CaseProgress {
  id: number;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  assigned: number;
  /** readers with a result stored */
  submitted: number;
}

export interface ReaderProgress {
  userId: number;
  username: string;
  displayName: string;
  assigned: number;
  submitted: number;
}

/** GET /api/studies/:id/progress; GET /api/studies/:id/cases answers its `cases` alone. */
export interface StudyProgress {
  cases: CaseProgress[];
  readers: ReaderProgress[];
}

export type StudyCases = Pick<StudyProgress, 'cases'>;

/** POST /api/studies/:id/assignments (admin): the cases without a reader, assigned. */
export interface AssignmentOutcome {
  /** assignments made (case-reader pairs) */
  assigned: number;
  seed: string;
  plan: Array<{ caseId: number; readerIds: number[] }>;
}

// --- reads of a case ---

/** One assigned reader's read of a case, as a lead or admin sees it. */
export interface ReadSummary {
  userId: number;
  username: string;
  displayName: string;
  submitted: boolean;
  submittedAt: string | null;
  /** only once every assigned reader has submitted, and only for a lead */
  results?: ReadResult[];
}

/** GET /api/cases/:id/reads */
export interface CaseReads {
  caseId: number;
  /** every assigned reader has stored a result */
  complete: boolean;
  reads: ReadSummary[];
}

/** An entry of a case's audit trail (GET /api/cases/:id/audit), as the caller's role may see it. */
export interface AuditEntry {
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  detail: unknown;
  ip: string | null;
}

/** GET /api/cases/:id/audit */
export interface CaseAudit {
  entries: AuditEntry[];
}

// --- accounts (admin) ---

export interface AdminUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

/** GET /api/admin/users */
export interface UserList {
  users: AdminUser[];
}

/** POST /api/admin/users; without a password the server makes one and answers it once. */
export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password?: string;
}

/** An account after a change; `password` only when the server made one. */
export interface UserChange {
  user: AdminUser;
  password?: string;
}

/** A change that ends the account's sessions (password reset, disable, revoke). */
export interface UserSessionsChange extends UserChange {
  revokedSessions: number;
}

// --- a lead's review (server/routes/review.ts) ---

/** One reader's read of a case in the review queue. */
export interface QueueRead {
  userId: number;
  username: string;
  displayName: string;
  /** when the reader first opened the case (POST /api/cases/:id/opened); null: never said.
   * Always sent by the gateway (optional only for fixtures written before it was) */
  openedAt?: string | null;
  /** when the latest result reached the server */
  submittedAt: string | null;
  /** from openedAt to the first result stored, in seconds (ReadFigures.readingTimeS); null when
   * unknown. Always sent by the gateway */
  readingTimeS?: number | null;
  /** for a lead only: an admin never learns a result's identity */
  results?: ReadResult[];
}

/** GET /api/review/queue: one complete case (every assigned read is in). */
export interface ReviewQueueItem {
  caseId: number;
  studyId: number;
  studyName: string;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  state: ReviewState;
  reads: QueueRead[];
  /** the read results as they are now: what an agreement must have been computed from (by
   * userId); an admin gets [] (they are result identities) */
  versions: ReadVersion[];
  /** the figures of the agreement kept for exactly these versions; null: not computed yet */
  summary: DisagreementSummary | null;
  /** the consensus read's results, once a lead stored one; an admin gets [] (one exists, no identity) */
  consensus: ReadResult[] | null;
}

export interface ReviewQueue {
  items: ReviewQueueItem[];
}

/** GET /api/cases/:id/agreement: the kept agreement when it is of the current versions. */
export interface CaseAgreementAnswer {
  versions: ReadVersion[];
  agreement: CaseAgreement | null;
}

/** GET /api/studies/:id/agreement: every case's kept agreement of its current versions. */
export interface StudyAgreement {
  cases: Array<{ caseId: number; label: string; agreement: CaseAgreement }>;
}
