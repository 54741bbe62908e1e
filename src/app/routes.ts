// The app's URLs: "/" is the home page (the reader's worklist, the lead's cases, or the study
// browser where no login is asked), "/studies" the study browser,
// "/viewer/<StudyInstanceUID>/<SeriesInstanceUID>" opens one series (bookmarkable, survives a reload).

export type Route =
  | { name: 'home' }
  | { name: 'studies' }
  | { name: 'viewer'; studyInstanceUid: string; seriesInstanceUid: string }
  | { name: 'not-found'; path: string };

const UID = '([0-9]+(?:\\.[0-9]+)*)';
const VIEWER = new RegExp(`^/viewer/${UID}/${UID}/?$`);

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  if (pathname === '/studies' || pathname === '/studies/') return { name: 'studies' };
  const m = VIEWER.exec(pathname);
  if (m) return { name: 'viewer', studyInstanceUid: m[1], seriesInstanceUid: m[2] };
  return { name: 'not-found', path: pathname };
}

export function viewerPath(studyInstanceUid: string, seriesInstanceUid: string): string {
  return `/viewer/${studyInstanceUid}/${seriesInstanceUid}`;
}
