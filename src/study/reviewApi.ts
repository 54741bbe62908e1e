// The lead's review API of the gateway (server/routes/review.ts): the review queue, a case's kept
// agreement (stored for the versions of the reads it was computed from), a review's state, and
// every case's agreement of a study for the statistics.
import type { CaseAgreementAnswer, ReviewQueue, StudyAgreement } from '../model/api.ts';
import type { CaseAgreement, ReviewState } from '../model/review.ts';
import { api, ApiError } from './studyApi.ts';

export interface QueueQuery {
  study?: number;
  reader?: number;
  state?: ReviewState;
  sort?: string;
}

export function fetchReviewQueue(query: QueueQuery = {}): Promise<ReviewQueue> {
  const params = new URLSearchParams();
  if (query.study !== undefined) params.set('study', String(query.study));
  if (query.reader !== undefined) params.set('reader', String(query.reader));
  if (query.state) params.set('state', query.state);
  if (query.sort) params.set('sort', query.sort);
  const qs = params.toString();
  return api(`/api/review/queue${qs ? `?${qs}` : ''}`);
}

export function fetchCaseAgreement(caseId: number): Promise<CaseAgreementAnswer> {
  return api(`/api/cases/${caseId}/agreement`);
}

/** The reads changed since the agreement's versions were read (HTTP 409): compute again. */
export class StaleAgreementError extends ApiError {
  constructor(message: string) {
    super(message, 409);
    this.name = 'StaleAgreementError';
  }
}

/** Stores a case's agreement; rejects with StaleAgreementError when the reads are no longer its versions. */
export async function storeCaseAgreement(agreement: CaseAgreement): Promise<void> {
  try {
    await api<void>(`/api/cases/${agreement.caseId}/agreement`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(agreement) });
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) throw new StaleAgreementError(err.message);
    throw err;
  }
}

export function startReview(caseId: number): Promise<void> {
  return api(`/api/cases/${caseId}/review`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ state: 'in_review' }) });
}

export function fetchStudyAgreement(studyId: number): Promise<StudyAgreement> {
  return api(`/api/studies/${studyId}/agreement`);
}

