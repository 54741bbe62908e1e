// Start-up of everything identity needs: open the database (unless one is handed in), bring its
// schema up to date, create the first admin account when there is none, and hang the identity
// services on the app for requireUser and the routes.
import type { FastifyInstance } from 'fastify';
import { type Database, type DatabaseConfig, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { bootstrapAdmin } from './accounts.ts';
import { type Identity, createIdentity } from './identity.ts';
import type { Clock } from './sessions.ts';

export interface IdentitySettings {
  /** absent: an in-memory database (tests) */
  database?: DatabaseConfig;
  sessionIdleMinutes?: number;
  sessionMaxHours?: number;
  /** create `admin` when there is no account; password null: generate one and print it once */
  bootstrapAdmin?: { password: string | null };
}

export async function attachIdentity(app: FastifyInstance, settings: IdentitySettings, opts: { db?: Database; clock?: Clock } = {}): Promise<Identity> {
  const db = opts.db ?? (await openDatabase(settings.database ?? { url: null, pgliteDir: null }));
  let identity: Identity;
  try {
    const applied = await migrate(db);
    app.log.info({ database: db.description, applied }, 'database ready');
    identity = createIdentity(db, {
      clock: opts.clock,
      session: { idleMs: (settings.sessionIdleMinutes ?? 120) * 60_000, maxAgeMs: (settings.sessionMaxHours ?? 12) * 3_600_000 },
    });
    if (settings.bootstrapAdmin) printBootstrap(await bootstrapAdmin(identity, settings.bootstrapAdmin.password));
    await identity.sessions.prune();
  } catch (err) {
    // The app is never returned, so nobody else would close it (and free the PGlite lock).
    if (!opts.db) await db.close();
    throw err;
  }
  if (!opts.db) app.addHook('onClose', () => db.close());
  app.decorate('identity', identity);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  return identity;
}

/** On the console, never through the logger (whose output may be collected and kept). */
function printBootstrap(made: { username: string; password: string | null } | null): void {
  if (made?.password) {
    console.log(
      `\n  No accounts yet: created the administrator account "${made.username}" with the password\n\n      ${made.password}\n\n` +
        '  It is shown only this once. Set another with `npm run admin -- reset-password --username admin`\n' +
        '  (with the server stopped), or set CTAW_ADMIN_PASSWORD before the first start instead.\n',
    );
  } else if (made) {
    console.log(`  No accounts yet: created the administrator account "${made.username}" with the password from CTAW_ADMIN_PASSWORD.`);
  }
}
