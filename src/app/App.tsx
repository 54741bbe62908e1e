// The shell: one route at a time.
import { useRouteStore } from '../stores/routeStore.ts';
import { StudyBrowser } from './StudyBrowser.tsx';
import { ViewerPage } from '../viewer/ViewerPage.tsx';

export function App() {
  const route = useRouteStore((s) => s.route);
  const navigate = useRouteStore((s) => s.navigate);
  if (route.name === 'viewer') return <ViewerPage key={`${route.studyInstanceUid}/${route.seriesInstanceUid}`} studyUid={route.studyInstanceUid} seriesUid={route.seriesInstanceUid} />;
  if (route.name === 'studies') return <StudyBrowser />;
  return (
    <main className="study-browser">
      <div className="error-panel" role="alert">
        <p>There is no page at {route.path}.</p>
        <button onClick={() => navigate('/')}>Go to the studies</button>
      </div>
    </main>
  );
}
