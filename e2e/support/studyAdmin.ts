// The study admin's side, through the gateway's API from Node: log in, create users, a reading
// study with cases, assign readers, revoke a session. Cookies and the CSRF token are handled here
// the way a browser does.
const base = process.env.CTAW_LOGIN_BASE_URL ?? 'http://127.0.0.1:5183';

export const TEST_PASSWORD = 'Reading-Study-Test-7431';

export class ApiSession {
  private constructor(
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async login(username: string, password: string): Promise<ApiSession> {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    if (!res.ok) throw new Error(`login as ${username}: HTTP ${res.status}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return new ApiSession(cookie, csrfToken);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, json } = await this.request<T>(method, path, body);
    if (status >= 300) throw new Error(`${method} ${path}: HTTP ${status} ${JSON.stringify(json)}`);
    return json;
  }
}

export function adminSession(): Promise<ApiSession> {
  const password = process.env.CTAW_TEST_ADMIN_PASSWORD;
  if (!password) throw new Error('CTAW_TEST_ADMIN_PASSWORD is not set (scripts/test.sh starts the login gateway with it)');
  return ApiSession.login('admin', password);
}

export async function createUser(admin: ApiSession, username: string, role: 'reader' | 'lead', displayName: string): Promise<number> {
  const { user } = await admin.ok<{ user: { id: number } }>('POST', '/api/admin/users', { username, displayName, role, password: TEST_PASSWORD });
  return user.id;
}
