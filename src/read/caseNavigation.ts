// Going from case to case: opening one (the audit's "case open"), and which comes next.
import { viewerPath } from '../app/routes.ts';
import type { WorklistItem } from '../model/api.ts';
import { useRouteStore } from '../stores/routeStore.ts';
import { fetchWorklist, markCaseOpened } from '../study/studyApi.ts';

/** Opens a case: the server hears of it (audit log, "in progress"), then the viewer. */
export async function openCase(item: Pick<WorklistItem, 'caseId' | 'studyInstanceUid' | 'seriesInstanceUid'>): Promise<void> {
  // Offline, the case opens anyway from this device's copy.
  await markCaseOpened(item.caseId).catch(() => undefined);
  useRouteStore.getState().navigate(viewerPath(item.studyInstanceUid, item.seriesInstanceUid));
}

/** The first assigned case not yet submitted (nor waiting on this device), other than `except` (a CT series UID). */
export function nextCase(items: WorklistItem[], isWaiting: (i: WorklistItem) => boolean, except?: string): WorklistItem | undefined {
  return items.find((i) => i.state !== 'submitted' && !isWaiting(i) && i.seriesInstanceUid !== except);
}

/** After a submit: the reader's next case not done yet, or the worklist when there is none. */
export async function goToNextCase(currentSeriesUid: string | undefined): Promise<void> {
  const { items } = await fetchWorklist({ state: ['in_progress', 'new'] }).catch(() => ({ items: [] as WorklistItem[] }));
  // This case was just submitted: the server may not have it yet, so it is left out by name.
  const next = nextCase(items, () => false, currentSeriesUid);
  if (next) await openCase(next);
  else useRouteStore.getState().navigate('/');
}
