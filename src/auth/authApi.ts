// The gateway's login API (server/routes/auth.ts): who is logged in, log in, log out. The
// session is an HttpOnly cookie the page never sees; the CSRF token comes back in the JSON and
// goes out in a header on every state-changing request.
import type { ClientSession, ClientSessionStatus } from '../model/api.ts';

export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

declare global {
  interface Window {
    /** index.html's health request, started before the bundle loaded; null when it failed */
    __ctawHealth?: Promise<Response | null>;
  }
}

/** index.html's answer, taken once; null when there is none or it failed (then ask again). */
async function takePrefetchedHealth(): Promise<Response | null> {
  const prefetched = typeof window !== 'undefined' ? window.__ctawHealth : undefined;
  if (!prefetched) return null;
  delete window.__ctawHealth;
  const timeout = new Promise<null>((r) => setTimeout(() => r(null), 10_000));
  const res = await Promise.race([prefetched, timeout]);
  return res?.ok ? res : null;
}

/** Whether this gateway asks for a login (an open gateway serves a single-reader set-up). */
export async function serverRequiresLogin(): Promise<boolean> {
  const res = (await takePrefetchedHealth()) ?? (await fetch('/api/health', { signal: AbortSignal.timeout(10_000) }));
  const json = (await res.json()) as { requireLogin?: boolean };
  return json.requireLogin === true;
}

/** The current session, or null when there is none (401). Throws when the server cannot be reached. */
export async function fetchSession(): Promise<ClientSessionStatus | null> {
  const res = await fetch('/api/auth/session', { credentials: 'same-origin', signal: AbortSignal.timeout(10_000) });
  if (res.status === 401) return null;
  if (!res.ok) throw new AuthError(`The server answered ${res.status}.`, res.status);
  return (await res.json()) as ClientSessionStatus;
}

export async function login(username: string, password: string): Promise<ClientSession> {
  let res: Response;
  try {
    res = await fetch('/api/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch {
    throw new AuthError('The server cannot be reached. Check the network and try again.', null);
  }
  if (res.status === 429) throw new AuthError('Too many failed logins: this account is locked for 15 minutes.', 429);
  if (res.status === 401 || res.status === 400) throw new AuthError('Wrong user name or password.', res.status);
  if (!res.ok) throw new AuthError(`The server answered ${res.status}.`, res.status);
  return (await res.json()) as ClientSession;
}

export async function logout(csrfToken: string): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrfToken } }).catch(() => undefined);
}
