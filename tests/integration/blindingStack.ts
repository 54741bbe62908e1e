// What the reading-study integration tests share: a real Orthanc (the one scripts/test.sh started,
// from CTAW_ORTHANC_URL, else a private one on a free port), the real gateway in-process with
// requireLogin on, listening on a free port and reached over HTTP exactly as written (no path
// normalisation), accounts, a synthetic CT, and SEGs made by the app's own encoder.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import type { ServerConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/database.ts';
import { createAccount } from '../../server/identity/accounts.ts';
import type { Role } from '../../src/model/api.ts';
import { derivedUid, writePhantomSeries } from '../../scripts/data/syntheticCt.ts';
import { encodeSeg } from '../../src/seg/segEncoder.ts';
import { freePort } from '../support/freePort.ts';
export { freePort };

const ROOT = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'correct horse battery';


/** The test run's Orthanc, or a private one (stopped by stop()). */
export async function orthanc(): Promise<{ url: string; stop: () => void }> {
  if (process.env.CTAW_ORTHANC_URL) return { url: process.env.CTAW_ORTHANC_URL.replace(/\/+$/, ''), stop: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-blinding-orthanc-'));
  const port = await freePort();
  execFileSync('bash', [join(ROOT, 'scripts/orthanc.sh'), 'start', dir, String(port)], { stdio: 'ignore' });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      execFileSync('bash', [join(ROOT, 'scripts/orthanc.sh'), 'stop', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Gateway {
  app: FastifyInstance;
  base: string;
  host: string;
  port: number;
}

export async function startGateway(orthancUrl: string, db: Database, extra: Partial<ServerConfig> = {}): Promise<Gateway> {
  const config: ServerConfig = { host: '127.0.0.1', port: 0, orthancUrl, distDir: null, upstreamTimeoutMs: 30_000, requireLogin: true, ...extra };
  const app = await buildApp(config, { db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, base: `http://127.0.0.1:${port}`, host: '127.0.0.1', port };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: <T = unknown>() => T;
}

export interface Who {
  cookie?: string;
  csrf?: string;
}

/** One request with the path sent exactly as written. */
export function call(gw: { host: string; port: number }, method: string, path: string, opts: { who?: Who; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
  if (opts.who?.cookie) headers.cookie = opts.who.cookie;
  if (opts.who?.csrf) headers['x-csrf-token'] = opts.who.csrf;
  if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
  return new Promise((resolveAnswer, reject) => {
    const req = http.request({ host: gw.host, port: gw.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        const text = body.toString('latin1');
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: <T>() => JSON.parse(body.toString('utf8')) as T });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const api = (gw: Gateway, who: Who, method: string, path: string, payload?: unknown): Promise<Answer> =>
  call(gw, method, path, { who, headers: payload === undefined ? {} : { 'content-type': 'application/json' }, body: payload === undefined ? undefined : JSON.stringify(payload) });

export async function addUser(app: FastifyInstance, username: string, role: Role): Promise<number> {
  const { user } = await createAccount(app.identity, { userId: null, ip: null, via: 'cli' }, { username, displayName: `${username} (${role})`, role, password: PASSWORD });
  return user.id;
}

export async function login(gw: Gateway, username: string): Promise<Who & { cookie: string; csrf: string }> {
  const res = await call(gw, 'POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  const cookie = String(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]).split(';')[0];
  return { cookie, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

export function randomUid(): string {
  return `2.25.${BigInt(`0x${randomBytes(15).toString('hex')}`).toString()}`;
}

export interface PhantomCt {
  seed: string;
  studyUid: string;
  seriesUid: string;
  /** the Part 10 files' bytes, in slice order */
  files: Uint8Array[];
  sopUids: string[];
  rows: number;
  slices: number;
  patientId: string;
}

/** A small synthetic CT with UIDs of its own (a seed per run, so reruns on one Orthanc do not collide). */
export function phantomCt(label: string, slices = 4): PhantomCt {
  const seed = `ctaw-${label}-${randomUUID()}`;
  const dir = mkdtempSync(join(tmpdir(), `ctaw-${label}-`));
  const rows = 32;
  const patientId = `BLIND-${label}`;
  const made = writePhantomSeries(dir, {
    rows, columns: rows, slices, pixelSpacingMm: 10, sliceSpacingMm: 10, seed,
    patientName: 'BLIND^TEST', patientId, studyDescription: 'blinding test', seriesDescription: `${label} CT`,
  });
  const files = made.files.map((f) => new Uint8Array(readFileSync(f)));
  rmSync(dir, { recursive: true, force: true });
  return { seed, studyUid: made.studyUid, seriesUid: made.seriesUid, files, sopUids: made.files.map((_, k) => derivedUid(seed, `instance-${k}`)), rows, slices, patientId };
}

export function stowBody(objects: Uint8Array[], boundary = `ctaw-test-${randomUUID()}`): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const o of objects) parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), Buffer.from(o), Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

export function stow(gw: Gateway, who: Who, objects: Uint8Array[], path = '/dicom-web/studies'): Promise<Answer> {
  const { body, contentType } = stowBody(objects);
  return call(gw, 'POST', path, { who, body, headers: { 'content-type': contentType, accept: 'application/dicom+json' } });
}

export function ctFiles(ct: PhantomCt): Uint8Array[] {
  return ct.files;
}

/** A SEG of the phantom CT, as the app encodes it (one painted voxel per slice). */
export function segOf(ct: PhantomCt, opts: { reader: string; sopInstanceUid?: string; seriesInstanceUid?: string; studyInstanceUid?: string; referencedSeriesUid?: string; patientId?: string }): { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string } {
  const n = ct.rows;
  const labels = new Uint8Array(n * n * ct.slices);
  for (let k = 0; k < ct.slices; k++) labels[k * n * n + n * 10 + 12] = 1;
  const sopInstanceUid = opts.sopInstanceUid ?? randomUid();
  const seriesInstanceUid = opts.seriesInstanceUid ?? randomUid();
  const x0 = -((n - 1) / 2) * 10;
  const bytes = encodeSeg({
    source: {
      studyInstanceUid: opts.studyInstanceUid ?? ct.studyUid,
      seriesInstanceUid: opts.referencedSeriesUid ?? ct.seriesUid,
      frameOfReferenceUid: derivedUid(ct.seed, 'frame-of-reference'),
      patientName: 'BLIND^TEST',
      patientId: opts.patientId ?? ct.patientId,
      grid: { dims: [n, n, ct.slices], spacing: [10, 10, 10], origin: [x0, x0, ct.slices * 10], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] },
      slices: ct.sopUids.map((sop) => ({ sopInstanceUid: sop, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })),
    },
    labels,
    segments: [{ value: 1, label: 'Lesion', color: [255, 0, 0], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '52988006', scheme: 'SCT', meaning: 'Lesion' } }],
    reader: opts.reader,
    seriesDescription: `Lesions (${opts.reader})`,
    seriesNumber: 9001,
    instanceNumber: 1,
    sopInstanceUid,
    seriesInstanceUid,
    contentDateTime: new Date(),
  }).bytes;
  return { bytes, sopInstanceUid, seriesInstanceUid };
}
