// Everything about who is who, over one database: accounts, the login provider, sessions.
import type { Database } from '../db/database.ts';
import type { IdentityProvider } from './identityProvider.ts';
import { LOGIN_THROTTLE, type ThrottlePolicy } from './loginThrottle.ts';
import { PasswordLogin } from './passwordLogin.ts';
import { type Clock, type SessionPolicy, Sessions } from './sessions.ts';
import { Users } from './users.ts';

export interface Identity {
  db: Database;
  clock: Clock;
  users: Users;
  /** the password login today; an OIDC provider later */
  provider: IdentityProvider;
  sessions: Sessions;
}

export interface IdentityOptions {
  session: SessionPolicy;
  throttle?: ThrottlePolicy;
  /** tests move time forward with their own clock */
  clock?: Clock;
}

export function createIdentity(db: Database, options: IdentityOptions): Identity {
  const clock = options.clock ?? (() => new Date());
  return {
    db,
    clock,
    users: new Users(db),
    provider: new PasswordLogin(db, clock, options.throttle ?? LOGIN_THROTTLE),
    sessions: new Sessions(db, clock, options.session),
  };
}
