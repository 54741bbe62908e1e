// Accounts from the command line, on the database the server uses (same environment variables):
//   npm run admin -- create-user --username u --role reader|lead|admin --display-name "..." [--password-stdin]
//   npm run admin -- reset-password --username u [--password-stdin]
//   npm run admin -- list-users
//   npm run admin -- disable --username u        (and enable, revoke-sessions)
// Without --password-stdin a password is generated and printed once. With the embedded database
// the server must be stopped first (PGlite is one process at a time); the CLI says so if it is not.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { configFromEnv } from '../server/config.ts';
import { StartupError } from '../server/startupError.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrate } from '../server/db/migrate.ts';
import { type Actor, AccountError, createAccount, resetPassword, revokeSessions, setDisabled } from '../server/identity/accounts.ts';
import { type Identity, createIdentity } from '../server/identity/identity.ts';
import { ROLES, type Role } from '../src/model/api.ts';

const USAGE = `usage: npm run admin -- <command> [options]
  create-user --username NAME --role ${ROLES.join('|')} --display-name "NAME" [--password-stdin]
  reset-password --username NAME [--password-stdin]
  list-users
  disable --username NAME
  enable --username NAME
  revoke-sessions --username NAME`;

const COMMANDS = ['create-user', 'reset-password', 'list-users', 'disable', 'enable', 'revoke-sessions'];
const CLI: Actor = { userId: null, ip: null, via: 'cli' };

class UsageError extends Error {}

function readPassword(fromStdin: boolean | undefined): string | undefined {
  if (!fromStdin) return undefined;
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

async function userId(identity: Identity, username: string | undefined): Promise<number> {
  if (!username) throw new UsageError('--username is required');
  const user = await identity.users.byUsername(username);
  if (!user) throw new AccountError(404, `no user named ${username}`);
  return user.id;
}

async function run(identity: Identity, command: string, values: Record<string, string | boolean | undefined>): Promise<void> {
  const username = values.username as string | undefined;
  switch (command) {
    case 'create-user': {
      const role = values.role as Role | undefined;
      if (!username || !role || !values['display-name']) throw new UsageError('create-user needs --username, --role and --display-name');
      const created = await createAccount(identity, CLI, { username, role, displayName: values['display-name'] as string, password: readPassword(values['password-stdin'] as boolean) });
      console.log(`created ${created.user.username} (id ${created.user.id}, ${created.user.role})`);
      if (created.password) console.log(`password (shown once): ${created.password}`);
      return;
    }
    case 'reset-password': {
      const done = await resetPassword(identity, CLI, await userId(identity, username), readPassword(values['password-stdin'] as boolean));
      console.log(`new password set for ${done.user.username}; ${done.revoked} session(s) ended`);
      if (done.password) console.log(`password (shown once): ${done.password}`);
      return;
    }
    case 'list-users': {
      const users = await identity.users.list();
      console.log(['id', 'username', 'role', 'state', 'display name'].join('\t'));
      for (const u of users) console.log([u.id, u.username, u.role, u.disabled ? 'disabled' : 'active', u.displayName].join('\t'));
      return;
    }
    case 'disable':
    case 'enable': {
      const done = await setDisabled(identity, CLI, await userId(identity, username), command === 'disable');
      console.log(`${done.user.username} ${command}d${done.revoked ? `; ${done.revoked} session(s) ended` : ''}`);
      return;
    }
    case 'revoke-sessions': {
      const done = await revokeSessions(identity, CLI, await userId(identity, username));
      console.log(`${done.revoked} session(s) of ${done.user.username} ended`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1 || !COMMANDS.includes(positionals[0])) {
    if (positionals.length === 1 && !values.help) console.error(`admin: unknown command ${positionals[0]}`);
    console.error(USAGE);
    return values.help ? 0 : 1;
  }
  const config = configFromEnv();
  let db;
  try {
    db = await openDatabase(config.database!);
  } catch (err) {
    // A database busy, missing or not answering: one line, as at the server's start.
    if (err instanceof StartupError) {
      console.error(`admin: ${err.message}`);
      return 2;
    }
    throw err;
  }
  try {
    await migrate(db);
    const identity = createIdentity(db, { session: { idleMs: config.sessionIdleMinutes! * 60_000, maxAgeMs: config.sessionMaxHours! * 3_600_000 } });
    await run(identity, positionals[0], values);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`admin: ${err.message}\n${USAGE}`);
      return 1;
    }
    if (err instanceof AccountError) {
      console.error(`admin: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
