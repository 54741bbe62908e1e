import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config.ts';
import { StartupError, startupLines } from './startupError.ts';

function refusal(env: NodeJS.ProcessEnv): StartupError {
  try {
    configFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(StartupError);
    return err as StartupError;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('configFromEnv', () => {
  it('takes the defaults npm start uses from an empty environment', () => {
    const config = configFromEnv({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5180,
      orthancUrl: 'http://127.0.0.1:18642',
      upstreamTimeoutMs: 60_000,
      trustProxy: false,
      sessionIdleMinutes: 120,
      sessionMaxHours: 12,
      bootstrapAdmin: { password: null },
      requireLogin: false,
      stowLimitBytes: 512 * 1024 * 1024,
      log: true,
    });
    expect(config.database?.url).toBeNull();
    // Empty is unset, as a shell's `CTAW_PORT= npm start` means it.
    expect(configFromEnv({ CTAW_PORT: '', CTAW_REQUIRE_LOGIN: ' ', CTAW_STOW_LIMIT_MB: '' })).toMatchObject({ port: 5180, requireLogin: false, stowLimitBytes: 512 * 1024 * 1024 });
  });

  it('reads good values', () => {
    const config = configFromEnv({
      CTAW_PORT: '5181',
      CTAW_ORTHANC_URL: 'http://127.0.0.1:18643//',
      CTAW_DIST: '',
      CTAW_UPSTREAM_TIMEOUT_MS: '2500',
      CTAW_DATABASE_URL: 'postgresql://u:p@db.example:6543/ctaw',
      CTAW_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,192.168.0.0/255.255.0.0,::1/128,loopback',
      CTAW_SESSION_IDLE_MINUTES: '0.5',
      CTAW_SESSION_MAX_HOURS: '8',
      CTAW_REQUIRE_LOGIN: 'TRUE',
      CTAW_STOW_LIMIT_MB: '64',
      CTAW_LOG: '0',
    });
    expect(config).toMatchObject({
      port: 5181,
      orthancUrl: 'http://127.0.0.1:18643',
      distDir: null,
      upstreamTimeoutMs: 2500,
      trustProxy: '127.0.0.1, 10.0.0.0/8,192.168.0.0/255.255.0.0,::1/128,loopback',
      sessionIdleMinutes: 0.5,
      sessionMaxHours: 8,
      requireLogin: true,
      stowLimitBytes: 64 * 1024 * 1024,
      log: false,
    });
    expect(config.database?.url).toBe('postgresql://u:p@db.example:6543/ctaw');
    expect(configFromEnv({ CTAW_REQUIRE_LOGIN: '1', CTAW_TRUST_PROXY: 'true', CTAW_LOG: 'false' })).toMatchObject({ requireLogin: true, trustProxy: true, log: false });
  });

  it.each([
    ['CTAW_PORT', 'abc', 'CTAW_PORT=abc is not a port number: set CTAW_PORT to a free port from 1 to 65535, or unset it for 5180'],
    ['CTAW_PORT', '0', 'CTAW_PORT=0 is not a port number'],
    ['CTAW_PORT', '65536', 'CTAW_PORT=65536 is not a port number'],
    ['CTAW_PORT', '80.5', 'CTAW_PORT=80.5 is not a port number'],
    ['CTAW_UPSTREAM_TIMEOUT_MS', '1e3', 'CTAW_UPSTREAM_TIMEOUT_MS=1e3 is not a whole number from 1 to 2147483647'],
    ['CTAW_UPSTREAM_TIMEOUT_MS', '99999999999', 'CTAW_UPSTREAM_TIMEOUT_MS=99999999999 is not a whole number'],
    ['CTAW_SESSION_IDLE_MINUTES', '0', 'CTAW_SESSION_IDLE_MINUTES=0 is not a number of minutes above 0'],
    ['CTAW_SESSION_IDLE_MINUTES', 'two hours', 'CTAW_SESSION_IDLE_MINUTES=two hours is not a number of minutes'],
    ['CTAW_SESSION_MAX_HOURS', '-3', 'CTAW_SESSION_MAX_HOURS=-3 is not a number of hours above 0: set CTAW_SESSION_MAX_HOURS to one, at most 8784, or unset it for 12'],
    ['CTAW_STOW_LIMIT_MB', 'lots', 'CTAW_STOW_LIMIT_MB=lots is not a whole number from 1 to 4096'],
    ['CTAW_STOW_LIMIT_MB', '0', 'CTAW_STOW_LIMIT_MB=0 is not a whole number'],
    ['CTAW_STOW_LIMIT_MB', '5000', 'CTAW_STOW_LIMIT_MB=5000 is not a whole number'],
    ['CTAW_REQUIRE_LOGIN', 'yes', 'CTAW_REQUIRE_LOGIN=yes is neither true nor false: set CTAW_REQUIRE_LOGIN to true or false (or 1 or 0), or unset it for false'],
    ['CTAW_LOG', 'loud', 'CTAW_LOG=loud is neither true nor false'],
    ['CTAW_TRUST_PROXY', '1', 'CTAW_TRUST_PROXY=1 has 1, which is not an address'],
    ['CTAW_TRUST_PROXY', '10.0.0.0/33', 'CTAW_TRUST_PROXY=10.0.0.0/33 has 10.0.0.0/33, which is not an address'],
    ['CTAW_TRUST_PROXY', '10.0.0.1,,10.0.0.2', 'has an empty entry'],
    ['CTAW_ORTHANC_URL', 'orthanc', "CTAW_ORTHANC_URL=orthanc is not a URL: set CTAW_ORTHANC_URL to Orthanc's HTTP root, e.g. http://127.0.0.1:18642"],
    ['CTAW_ORTHANC_URL', 'https://127.0.0.1:18642', 'is not an http:// URL'],
    ['CTAW_ORTHANC_URL', 'http://orthanc:secret@127.0.0.1:18642', 'has a user name or password'],
    ['CTAW_ORTHANC_URL', 'http://127.0.0.1:18642/dicom-web', 'has a path, query or fragment'],
    ['CTAW_ORTHANC_URL', 'http://127.0.0.1:18642?x=1', 'has a path, query or fragment'],
    ['CTAW_DATABASE_URL', 'db.example:5432', 'CTAW_DATABASE_URL is not a postgres:// URL'],
    ['CTAW_DATABASE_URL', 'mysql://u:p@db.example/ctaw', 'CTAW_DATABASE_URL is not a postgres:// URL'],
    ['CTAW_DATABASE_URL', 'postgres://u:p@[db/ctaw', 'CTAW_DATABASE_URL is not a URL: set CTAW_DATABASE_URL to postgres://USER:PASSWORD@HOST:PORT/DATABASE, or unset it for the embedded database'],
  ])('refuses %s=%s, naming it', (setting, value, expected) => {
    const err = refusal({ [setting]: value });
    expect(err.setting).toBe(setting);
    expect(err.message).toContain(expected);
    expect(err.message.startsWith(setting)).toBe(true);
  });

  it('never shows a database password', () => {
    expect(refusal({ CTAW_DATABASE_URL: 'mysql://u:hunter2@h/db' }).message).not.toContain('hunter2');
    expect(refusal({ CTAW_DATABASE_URL: 'postgres://u:hunter2@[h/db' }).message).not.toContain('hunter2');
    expect(refusal({ CTAW_DATABASE_URL: 'hunter2:x@h' }).message).not.toContain('hunter2');
  });

  it('shows a value with control characters quoted, on one line', () => {
    const err = refusal({ CTAW_PORT: '51\n80' });
    expect(startupLines(err, false)).toBe('ctaw: CTAW_PORT="51\\n80" is not a port number: set CTAW_PORT to a free port from 1 to 65535, or unset it for 5180');
  });
});
