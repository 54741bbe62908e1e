// Accounts in the users table. Users are never deleted (the audit log and results point at them):
// they are disabled.
import type { Role } from '../../src/model/api.ts';
import type { Queryable } from '../db/database.ts';


export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`the user name ${username} is taken`);
    this.name = 'UsernameTakenError';
  }
}

/** User names are compared as typed, trimmed and lower-cased ("Alice " is alice). */
export function normaliseUsername(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function usernameProblem(normalised: string): string | null {
  return USERNAME_PATTERN.test(normalised)
    ? null
    : 'a user name has 1 to 64 characters: letters a-z, digits and . _ @ -, starting with a letter or digit';
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  password_hash: string | null;
}

const COLUMNS = 'id, username, display_name, role, disabled, created_at';

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, displayName: row.display_name, role: row.role, disabled: row.disabled, createdAt: row.created_at };
}

export class Users {
  constructor(private readonly db: Queryable) {}

  async create(input: { username: string; displayName: string; role: Role; passwordHash: string | null }): Promise<User> {
    try {
      const res = await this.db.query<UserRow>(
        `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [input.username, input.displayName, input.role, input.passwordHash],
      );
      return toUser(res.rows[0]);
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw new UsernameTakenError(input.username);
      throw err;
    }
  }

  async byId(id: number): Promise<User | null> {
    const res = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return res.rows[0] ? toUser(res.rows[0]) : null;
  }

  async byUsername(username: string): Promise<User | null> {
    const res = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [normaliseUsername(username)]);
    return res.rows[0] ? toUser(res.rows[0]) : null;
  }

  /** The account and its password hash, for the login only. */
  async withPasswordHash(username: string): Promise<{ user: User; passwordHash: string | null } | null> {
    const res = await this.db.query<UserRow>(`SELECT ${COLUMNS}, password_hash FROM users WHERE username = $1`, [normaliseUsername(username)]);
    return res.rows[0] ? { user: toUser(res.rows[0]), passwordHash: res.rows[0].password_hash } : null;
  }

  async list(): Promise<User[]> {
    const res = await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username`);
    return res.rows.map(toUser);
  }

  async count(): Promise<number> {
    const res = await this.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM users');
    return res.rows[0].n;
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<boolean> {
    const res = await this.db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
    return res.rowCount === 1;
  }

  async setDisabled(id: number, disabled: boolean): Promise<boolean> {
    const res = await this.db.query('UPDATE users SET disabled = $2 WHERE id = $1', [id, disabled]);
    return res.rowCount === 1;
  }
}
