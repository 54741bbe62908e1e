// The reading-study API of the gateway (server/routes/worklist.ts, studies.ts): a reader's
// worklist, "case opened", and for a lead the studies, their cases and who has read each.
import type {
  AddedCases,
  AssignmentOutcome,
  CaseReads,
  NewCase,
  NewStudy,
  NewUser,
  Study,
  StudyCases,
  StudyList,
  StudyProgress,
  UserChange,
  UserList,
  UserSessionsChange,
  WorklistPage,
} from '../model/api.ts';
import type { ReadState } from '../model/read.ts';
import { csrfHeaders, useAuthStore } from '../stores/authStore.ts';
import { retryGet } from '../dicomweb/retryGet.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Same-origin JSON call to the gateway: CSRF header on every state-changing call, a 401 ends the
 * session; a GET is tried again through a failover (retryGet.ts), other methods are sent once. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await retryGet(path, { ...init, credentials: 'same-origin', headers: { ...(init.headers ?? {}), ...(init.method && init.method !== 'GET' ? csrfHeaders() : {}) }, signal: AbortSignal.timeout(20_000) });
  } catch {
    throw new ApiError('The server cannot be reached.', null);
  }
  if (res.status === 401) {
    useAuthStore.getState().sessionLost();
    throw new ApiError('Your session has ended: log in again.', 401);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(body.error ? `${body.error} (HTTP ${res.status})` : `The server answered ${res.status}.`, res.status);
  }
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export function fetchWorklist(params: { state?: ReadState[]; q?: string } = {}): Promise<WorklistPage> {
  const query = new URLSearchParams({ sort: 'state,label', limit: '1000' });
  if (params.state?.length) query.set('state', params.state.join(','));
  if (params.q) query.set('q', params.q);
  return api(`/api/worklist?${query}`);
}

export function markCaseOpened(caseId: number): Promise<void> {
  return api(`/api/cases/${caseId}/opened`, { method: 'POST' });
}

export function fetchStudies(): Promise<StudyList> {
  return api('/api/studies');
}

export function fetchStudyCases(studyId: number): Promise<StudyCases> {
  return api(`/api/studies/${studyId}/cases`);
}

export function fetchCaseReads(caseId: number): Promise<CaseReads> {
  return api(`/api/cases/${caseId}/reads`);
}

// --- the admin's calls ---

export function fetchUsers(): Promise<UserList> {
  return api('/api/admin/users');
}

export function createUser(body: NewUser): Promise<UserChange> {
  return api('/api/admin/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function resetPassword(userId: number): Promise<UserSessionsChange> {
  return api(`/api/admin/users/${userId}/password`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
}

export function setDisabled(userId: number, disabled: boolean): Promise<UserSessionsChange> {
  return api(`/api/admin/users/${userId}/disable`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ disabled }) });
}

export function createStudy(body: NewStudy): Promise<{ study: Study }> {
  return api('/api/studies', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function addCases(studyId: number, cases: NewCase[]): Promise<AddedCases> {
  return api(`/api/studies/${studyId}/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cases }) });
}

export function assignReaders(studyId: number, seed?: string): Promise<AssignmentOutcome> {
  return api(`/api/studies/${studyId}/assignments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(seed ? { seed } : {}) });
}

export function fetchProgress(studyId: number): Promise<StudyProgress> {
  return api(`/api/studies/${studyId}/progress`);
}
