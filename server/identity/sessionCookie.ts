// The session cookie: what it says about itself, and reading it back from a Cookie header.

export const SESSION_COOKIE = 'ctaw_session';

export interface CookieOptions {
  /** the request came over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy) */
  secure: boolean;
}

/** HttpOnly: scripts never see the token. SameSite=Strict: no other site's page sends it (the
 * first line against CSRF; the x-csrf-token header is the second). Secure only over HTTPS, so
 * that plain http://127.0.0.1 during development still works. */
export function sessionCookie(token: string, maxAgeS: number, opts: CookieOptions): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.max(0, Math.floor(maxAgeS))}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(opts: CookieOptions): string {
  return sessionCookie('', 0, opts);
}

export function isSecureRequest(protocol: string): boolean {
  return protocol === 'https';
}

/** The value of one cookie in a Cookie request header; null when absent. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return null;
}
