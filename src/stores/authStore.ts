// Who is logged in. With a gateway that asks for a login, the user comes from the session; the
// last user is remembered on this device so that a reload without network keeps the reader at
// work (their drafts and outbox are theirs), and an expired session asks for the password again
// without leaving the page or touching the outbox.
import { create } from 'zustand';
import { fetchSession, login as apiLogin, logout as apiLogout, serverRequiresLogin } from '../auth/authApi.ts';
import type { ClientSession, SessionUser } from '../model/api.ts';
import { useProfileStore } from './profileStore.ts';

const LAST_USER = 'ctaw.lastUser';
const REQUIRE_LOGIN = 'ctaw.requireLogin';

export type AuthState =
  /** not known yet */
  | 'starting'
  /** the gateway asks for no login: the reader names themselves */
  | 'open'
  | 'logged-out'
  | 'logged-in'
  /** logged in earlier on this device; the server cannot be reached now */
  | 'offline'
  /** the session ended while working: log in again, nothing is lost */
  | 'expired';

interface AuthStore {
  state: AuthState;
  user: SessionUser | null;
  csrfToken: string | null;
  start: () => Promise<void>;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  /** a request came back 401: the session is gone */
  sessionLost: () => void;
}

function remember(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode: this tab still works.
  }
}

function recall<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export const useAuthStore = create<AuthStore>((set, get) => {
  const signedIn = (session: ClientSession) => {
    remember(LAST_USER, session.user);
    // Drafts, outbox and results are keyed by the user name.
    useProfileStore.getState().setReader(session.user.username);
    set({ state: 'logged-in', user: session.user, csrfToken: session.csrfToken });
  };
  return {
    state: 'starting',
    user: null,
    csrfToken: null,
    start: async () => {
      let requireLogin: boolean;
      try {
        requireLogin = await serverRequiresLogin();
        remember(REQUIRE_LOGIN, requireLogin);
      } catch {
        requireLogin = recall<boolean>(REQUIRE_LOGIN) ?? false;
      }
      if (!requireLogin) return set({ state: 'open' });
      try {
        const session = await fetchSession();
        if (session) signedIn(session);
        else set({ state: 'logged-out', user: null, csrfToken: null });
      } catch {
        const last = recall<SessionUser>(LAST_USER);
        if (last) useProfileStore.getState().setReader(last.username);
        set({ state: last ? 'offline' : 'logged-out', user: last, csrfToken: null });
      }
    },
    login: async (username, password) => {
      const previous = get().user;
      const session = await apiLogin(username, password);
      // Another person on this device: their drafts stay, under their name, out of this UI.
      if (previous && previous.username !== session.user.username) useProfileStore.getState().setReader('');
      signedIn(session);
    },
    logout: async () => {
      const token = get().csrfToken;
      if (token) await apiLogout(token);
      remember(LAST_USER, null);
      useProfileStore.getState().setReader('');
      set({ state: 'logged-out', user: null, csrfToken: null });
    },
    sessionLost: () => {
      if (get().state === 'logged-in' || get().state === 'offline') set({ state: 'expired', csrfToken: null });
    },
  };
});

/** Headers a state-changing request needs (the CSRF token of the session, when there is one). */
export function csrfHeaders(): Record<string, string> {
  const token = useAuthStore.getState().csrfToken;
  return token ? { 'x-csrf-token': token } : {};
}
