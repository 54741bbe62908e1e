// The reading-study API of the gateway (server/routes/worklist.ts, studies.ts): a reader's
// worklist, "case opened", and for a lead the studies, their cases and who has read each.
import { csrfHeaders, useAuthStore } from '../stores/authStore.ts';

export type WorklistState = 'new' | 'in_progress' | 'submitted';

export interface WorklistItem {
  caseId: number;
  studyId: number;
  studyName: string;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  state: WorklistState;
  assignedAt: string;
  openedAt: string | null;
  submittedAt: string | null;
  resultKinds: string[];
}

export interface StudySummary {
  id: number;
  name: string;
}

export interface CaseProgress {
  id: number;
  label: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  assigned: number;
  submitted: number;
}

export interface ReadSummary {
  userId: number;
  username: string;
  displayName: string;
  submitted: boolean;
  submittedAt: string | null;
  results?: Array<{ kind: 'seg' | 'sr'; studyInstanceUid: string; seriesInstanceUid: string; sopInstanceUids: string[]; storedAt: string }>;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, credentials: 'same-origin', headers: { ...(init.headers ?? {}), ...(init.method && init.method !== 'GET' ? csrfHeaders() : {}) }, signal: AbortSignal.timeout(20_000) });
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

export function fetchWorklist(params: { state?: WorklistState[]; q?: string } = {}): Promise<{ total: number; items: WorklistItem[] }> {
  const query = new URLSearchParams({ sort: 'state,label', limit: '1000' });
  if (params.state?.length) query.set('state', params.state.join(','));
  if (params.q) query.set('q', params.q);
  return api(`/api/worklist?${query}`);
}

export function markCaseOpened(caseId: number): Promise<void> {
  return api(`/api/cases/${caseId}/opened`, { method: 'POST' });
}

export function fetchStudies(): Promise<{ studies: StudySummary[] }> {
  return api('/api/studies');
}

export function fetchStudyCases(studyId: number): Promise<{ cases: CaseProgress[] }> {
  return api(`/api/studies/${studyId}/cases`);
}

export function fetchCaseReads(caseId: number): Promise<{ caseId: number; complete: boolean; reads: ReadSummary[] }> {
  return api(`/api/cases/${caseId}/reads`);
}

// --- the admin's calls ---

export interface AdminUser {
  id: number;
  username: string;
  displayName: string;
  role: 'reader' | 'lead' | 'admin';
  disabled: boolean;
}

export function fetchUsers(): Promise<{ users: AdminUser[] }> {
  return api('/api/admin/users');
}

export function createUser(body: { username: string; displayName: string; role: AdminUser['role']; password?: string }): Promise<{ user: AdminUser; password?: string }> {
  return api('/api/admin/users', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function resetPassword(userId: number): Promise<{ user: AdminUser; password?: string }> {
  return api(`/api/admin/users/${userId}/password`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
}

export function setDisabled(userId: number, disabled: boolean): Promise<{ user: AdminUser }> {
  return api(`/api/admin/users/${userId}/disable`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ disabled }) });
}

export function createStudy(body: { name: string; readersPerCase: number }): Promise<{ study: StudySummary }> {
  return api('/api/studies', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

export function addCases(studyId: number, cases: Array<{ studyInstanceUid: string; seriesInstanceUid: string; label?: string }>): Promise<{ cases: CaseProgress[] }> {
  return api(`/api/studies/${studyId}/cases`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ cases }) });
}

export function assignReaders(studyId: number, seed?: string): Promise<{ assigned: number; seed: string }> {
  return api(`/api/studies/${studyId}/assignments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(seed ? { seed } : {}) });
}

export interface ReaderProgress {
  userId: number;
  username: string;
  displayName: string;
  assigned: number;
  submitted: number;
}

export function fetchProgress(studyId: number): Promise<{ cases: CaseProgress[]; readers: ReaderProgress[] }> {
  return api(`/api/studies/${studyId}/progress`);
}
