// The app's URLs: "/" is the study browser; "/viewer/<StudyInstanceUID>/<SeriesInstanceUID>"
// opens one series (bookmarkable, survives a reload).

export type Route =
  | { name: 'studies' }
  | { name: 'viewer'; studyInstanceUid: string; seriesInstanceUid: string }
  | { name: 'not-found'; path: string };

const UID = '([0-9]+(?:\\.[0-9]+)*)';
const VIEWER = new RegExp(`^/viewer/${UID}/${UID}/?$`);

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'studies' };
  const m = VIEWER.exec(pathname);
  if (m) return { name: 'viewer', studyInstanceUid: m[1], seriesInstanceUid: m[2] };
  return { name: 'not-found', path: pathname };
}

export function viewerPath(studyInstanceUid: string, seriesInstanceUid: string): string {
  return `/viewer/${studyInstanceUid}/${seriesInstanceUid}`;
}
