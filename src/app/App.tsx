// The shell: who is logged in (when the gateway asks for a login), then one route at a time.
import { lazy, Suspense, useEffect } from 'react';
import { useRouteStore } from '../stores/routeStore.ts';
import { useAuthStore } from '../stores/authStore.ts';
import { StudyBrowser } from './StudyBrowser.tsx';
import { LoginPage, SessionExpiredDialog } from './LoginPage.tsx';
import { ViewerPage } from '../viewer/ViewerPage.tsx';
import { WorklistPage } from '../study/WorklistPage.tsx';
import { LeadPage } from '../study/LeadPage.tsx';
import { AdminPage } from '../study/AdminPage.tsx';

// A lead's statistics screen is its own chunk: no reader ever loads it.
const StatisticsPage = lazy(() => import('../study/StatisticsPage.tsx').then((m) => ({ default: m.StatisticsPage })));

export function App() {
  const auth = useAuthStore((s) => s.state);
  useEffect(() => {
    void useAuthStore.getState().start();
  }, []);
  if (auth === 'starting') return <main className="login-page"><p className="muted" role="status">Starting…</p></main>;
  if (auth === 'logged-out') return <LoginPage />;
  return (
    <>
      <Routes />
      {auth === 'expired' && <SessionExpiredDialog />}
    </>
  );
}

/** The reader's worklist, the lead's studies, or (no login asked, or an admin) the study browser. */
function Home() {
  const role = useAuthStore((s) => s.user?.role);
  if (role === 'reader') return <WorklistPage />;
  if (role === 'lead') return <LeadPage />;
  if (role === 'admin') return <AdminPage />;
  return <StudyBrowser />;
}

function Routes() {
  const route = useRouteStore((s) => s.route);
  const navigate = useRouteStore((s) => s.navigate);
  if (route.name === 'viewer') return <ViewerPage key={`${route.studyInstanceUid}/${route.seriesInstanceUid}${location.search}`} studyUid={route.studyInstanceUid} seriesUid={route.seriesInstanceUid} />;
  if (route.name === 'studies') return <StudyBrowser />;
  if (route.name === 'stats') {
    return (
      <Suspense fallback={<main className="study-browser"><p className="muted" role="status">Loading the statistics…</p></main>}>
        <StatisticsPage key={route.studyId} studyId={route.studyId} />
      </Suspense>
    );
  }
  if (route.name === 'home') return <Home />;
  return (
    <main className="study-browser">
      <div className="error-panel" role="alert">
        <p>There is no page at {route.path}.</p>
        <button onClick={() => navigate('/')}>Go to the studies</button>
      </div>
    </main>
  );
}
