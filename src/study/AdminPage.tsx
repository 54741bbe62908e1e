// The study admin's screen: accounts (create, reset a password, disable) and reading studies
// (create, add CT series from the archive as cases, assign readers from a seed, progress per
// reader and per case). A generated password is shown once, here, and nowhere else.
import { useEffect, useState } from 'react';
import { UserMenu } from '../app/LoginPage.tsx';
import { useRouteStore } from '../stores/routeStore.ts';
import { searchSeries, searchStudies, type SeriesSummary } from '../dicomweb/qido.ts';
import type { Role, StudySummary, UserChange } from '../model/api.ts';
import * as api from './studyApi.ts';
import { ImportPanel } from './ImportPanel.tsx';

function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | null, string | null, () => void] {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    load().then(setValue, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return [value, error, () => setTick((t) => t + 1)];
}

function Users() {
  const [data, error, reload] = useLoad(api.fetchUsers, []);
  const [form, setForm] = useState({ username: '', displayName: '', role: 'reader' as Role });
  const [notice, setNotice] = useState<string | null>(null);
  const act = (p: Promise<UserChange>, what: string) =>
    p.then((r) => {
      setNotice(r.password ? `${what} ${r.user.username}. Their password (shown once): ${r.password}` : `${what} ${r.user.username}.`);
      reload();
    }, (err: unknown) => setNotice(err instanceof Error ? err.message : String(err)));
  return (
    <section aria-label="Accounts">
      <h2>Accounts</h2>
      {error && <p className="error-text" role="alert">{error}</p>}
      {notice && <p className="notice" role="status" data-testid="admin-notice">{notice}</p>}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          act(api.createUser(form), 'Created');
        }}
      >
        <input aria-label="New user name" placeholder="user name" value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} required />
        <input aria-label="Display name" placeholder="display name" value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} required />
        <select aria-label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
          <option value="reader">reader</option>
          <option value="lead">lead</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit">Create account</button>
      </form>
      <table className="studies">
        <thead><tr><th>User</th><th>Name</th><th>Role</th><th /></tr></thead>
        <tbody>
          {data?.users.map((u) => (
            <tr key={u.id} data-user={u.username} className={u.disabled ? 'muted' : undefined}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{u.role}{u.disabled ? ' (disabled)' : ''}</td>
              <td>
                <button onClick={() => act(api.resetPassword(u.id), 'New password for')}>Reset password</button>{' '}
                <button onClick={() => act(api.setDisabled(u.id, !u.disabled), u.disabled ? 'Enabled' : 'Disabled')}>{u.disabled ? 'Enable' : 'Disable'}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function StudyProgress({ study }: { study: StudySummary }) {
  const [progress, error, reload] = useLoad(() => api.fetchProgress(study.id), [study.id]);
  const [series, setSeries] = useState<SeriesSummary[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const listArchive = async () => {
    const studies = await searchStudies();
    const all = (await Promise.all(studies.map((s) => searchSeries(s.studyInstanceUid)))).flat();
    const inStudy = new Set(progress?.cases.map((c) => c.seriesInstanceUid));
    setSeries(all.filter((s) => s.modality === 'CT' && !inStudy.has(s.seriesInstanceUid)));
  };
  return (
    <section className="lead-study" data-study-id={study.id}>
      <h3>{study.name}</h3>
      {error && <p className="error-text" role="alert">{error}</p>}
      {notice && <p className="notice" role="status">{notice}</p>}
      <button onClick={() => void listArchive()}>Add CT series…</button>{' '}
      <button
        onClick={() =>
          api.assignReaders(study.id).then((r) => {
            setNotice(`${r.assigned} assignments made (seed ${r.seed}).`);
            reload();
          }, (err: unknown) => setNotice(err instanceof Error ? err.message : String(err)))
        }
      >
        Assign readers
      </button>
      {series && (
        <div className="series-picker">
          {series.length === 0 && <p className="muted">Every CT series in the archive is already a case.</p>}
          {series.map((s) => (
            <label key={s.seriesInstanceUid}>
              <input type="checkbox" checked={picked.has(s.seriesInstanceUid)} onChange={(e) => {
                const next = new Set(picked);
                if (e.target.checked) next.add(s.seriesInstanceUid);
                else next.delete(s.seriesInstanceUid);
                setPicked(next);
              }} />
              {s.description || s.seriesInstanceUid} ({s.instanceCount ?? '?'} images)
            </label>
          ))}
          {series.length > 0 && (
            <button
              disabled={picked.size === 0}
              onClick={() =>
                api.addCases(study.id, series.filter((s) => picked.has(s.seriesInstanceUid)).map((s) => ({ studyInstanceUid: s.studyInstanceUid, seriesInstanceUid: s.seriesInstanceUid }))).then((r) => {
                  setNotice(`${r.cases.length} cases added.`);
                  setSeries(null);
                  setPicked(new Set());
                  reload();
                }, (err: unknown) => setNotice(err instanceof Error ? err.message : String(err)))
              }
            >
              Add {picked.size} as cases
            </button>
          )}
        </div>
      )}
      {progress && (
        <div className="progress-tables">
          <table className="studies">
            <thead><tr><th>Reader</th><th>Submitted / assigned</th></tr></thead>
            <tbody>{progress.readers.map((r) => <tr key={r.userId}><td>{r.displayName || r.username}</td><td><progress max={r.assigned || 1} value={r.submitted} /> {r.submitted} / {r.assigned}</td></tr>)}</tbody>
          </table>
          <table className="studies">
            <thead><tr><th>Case</th><th>Submitted / assigned</th></tr></thead>
            <tbody>{progress.cases.map((c) => <tr key={c.id}><td>{c.label}</td><td><progress max={c.assigned || 1} value={c.submitted} /> {c.submitted} / {c.assigned}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Studies() {
  const [data, error, reload] = useLoad(api.fetchStudies, []);
  const [name, setName] = useState('');
  const [readers, setReaders] = useState(2);
  const [createError, setCreateError] = useState<string | null>(null);
  return (
    <section aria-label="Reading studies">
      <h2>Reading studies</h2>
      {error && <p className="error-text" role="alert">{error}</p>}
      <form className="inline-form" onSubmit={(e) => {
        e.preventDefault();
        setCreateError(null);
        api.createStudy({ name: name.trim(), readersPerCase: readers }).then(() => {
          setName('');
          reload();
        }, (err: unknown) => setCreateError(err instanceof Error ? err.message : String(err)));
      }}>
        <input aria-label="Study name" placeholder="study name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label>Readers per case <input type="number" min={1} max={10} value={readers} onChange={(e) => setReaders(Number(e.target.value))} /></label>
        <button type="submit">Create study</button>
      </form>
      {createError && <p className="error-text" role="alert">{createError}</p>}
      {data?.studies.map((s) => <StudyProgress key={s.id} study={s} />)}
    </section>
  );
}

export function AdminPage() {
  const navigate = useRouteStore((s) => s.navigate);
  return (
    <main className="study-browser admin-page">
      <header className="page-header">
        <h1>Study administration</h1>
        <button onClick={() => navigate('/studies')}>Archive</button>
        <span className="spacer" />
        <UserMenu />
      </header>
      <Users />
      <Studies />
      <ImportPanel />
    </main>
  );
}
