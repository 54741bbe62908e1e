// The app's URLs: "/" is the home page (the reader's worklist, the lead's cases, or the study
// browser where no login is asked), "/studies" the study browser,
// "/viewer/<StudyInstanceUID>/<SeriesInstanceUID>" opens one series (bookmarkable, survives a reload),
// "/stats/<reading study id>" a study's reader agreement statistics (a lead's).

export type Route =
  | { name: 'home' }
  | { name: 'studies' }
  | { name: 'viewer'; studyInstanceUid: string; seriesInstanceUid: string }
  | { name: 'stats'; studyId: number }
  | { name: 'not-found'; path: string };

const UID = '([0-9]+(?:\\.[0-9]+)*)';
const VIEWER = new RegExp(`^/viewer/${UID}/${UID}/?$`);
const STATS = /^\/stats\/([1-9][0-9]{0,9})\/?$/;

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  if (pathname === '/studies' || pathname === '/studies/') return { name: 'studies' };
  const m = VIEWER.exec(pathname);
  if (m) return { name: 'viewer', studyInstanceUid: m[1], seriesInstanceUid: m[2] };
  const stats = STATS.exec(pathname);
  if (stats && Number(stats[1]) <= 2 ** 31 - 1) return { name: 'stats', studyId: Number(stats[1]) };
  return { name: 'not-found', path: pathname };
}

export function viewerPath(studyInstanceUid: string, seriesInstanceUid: string): string {
  return `/viewer/${studyInstanceUid}/${seriesInstanceUid}`;
}

/** A lead's review of a complete case: its CT with every reader's read overlaid. */
export function reviewPath(studyInstanceUid: string, seriesInstanceUid: string, caseId: number): string {
  return `${viewerPath(studyInstanceUid, seriesInstanceUid)}?compare=${caseId}`;
}

export function statsPath(studyId: number): string {
  return `/stats/${studyId}`;
}
