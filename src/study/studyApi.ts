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
