// A setting the server cannot start with: thrown where the problem is found (config parsing, the
// database, the first admin account, listen), printed by server/main.ts as one line on stderr.
// Whoever starts the server (npm start, a service manager) shows that line to a person who can
// change the setting; a stack trace would only hide it.

export class StartupError extends Error {
  /**
   * setting: the environment variable to change, e.g. CTAW_PORT.
   * message: what is wrong and what to do, naming the setting, e.g.
   * "CTAW_PORT=5173 is in use by another program: stop it or set CTAW_PORT to a free port".
   * Never a secret's value (the admin password, the database password).
   */
  constructor(
    readonly setting: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** A setting's value as a line may show it: printable ASCII only, at most 80 characters. */
export function shownValue(value: string): string {
  const short = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return /^[\x20-\x7e]*$/.test(short) ? short : JSON.stringify(short).replace(/[^\x20-\x7e]/g, '?');
}

/** The one line main.ts prints for anything thrown at start-up; debug adds the stack after it. */
export function startupLines(err: unknown, debug: boolean): string {
  const message = oneLine(err instanceof Error ? err.message || err.name : String(err));
  const line = err instanceof StartupError ? `ctaw: ${message}` : `ctaw: could not start: ${message}`;
  if (!debug) return err instanceof StartupError ? line : `${line} (set CTAW_DEBUG=1 to see where)`;
  return err instanceof Error ? `${line}\n${stackWithCauses(err)}` : line;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim() || 'unknown error';
}

function stackWithCauses(err: Error): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.stack ?? String(e));
  return parts.join('\ncaused by: ');
}
