// Log in, as a page (nobody logged in) or over the open page when a session ended while
// working: then the page, its drafts and the outbox stay exactly as they were.
import { useState } from 'react';
import { useAuthStore } from '../stores/authStore.ts';

export function LoginForm({ expired }: { expired: boolean }) {
  const lastUser = useAuthStore((s) => s.user);
  const [username, setUsername] = useState(expired ? (lastUser?.username ?? '') : '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="login-form"
      aria-label="Log in"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        useAuthStore
          .getState()
          .login(username.trim(), password)
          .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
          .finally(() => {
            setBusy(false);
            setPassword('');
          });
      }}
    >
      <h1>{expired ? 'Your session has ended' : 'CT annotation workstation'}</h1>
      {expired && <p className="muted">Log in again to go on. Your work on this page and the results waiting to be sent are kept.</p>}
      <label>
        User name <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus={!expired} />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus={expired} />
      </label>
      <button className="primary" type="submit" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      {error && <p className="error-text" role="alert" data-testid="login-error">{error}</p>}
    </form>
  );
}

export function LoginPage() {
  return (
    <main className="login-page">
      <LoginForm expired={false} />
    </main>
  );
}

/** Over the current page: the session ended while the reader was working. */
export function SessionExpiredDialog() {
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-label="Log in again">
      <LoginForm expired />
    </div>
  );
}

export function UserMenu() {
  const user = useAuthStore((s) => s.user);
  const state = useAuthStore((s) => s.state);
  if (!user) return null;
  return (
    <span className="user-menu" data-testid="user-menu">
      {user.displayName || user.username} <span className="muted">({user.role}{state === 'offline' ? ', offline' : ''})</span>{' '}
      <button onClick={() => void useAuthStore.getState().logout()}>Log out</button>
    </span>
  );
}
