// The DICOMweb gateway against the real Orthanc (started by scripts/test.sh): what passes
// through, what does not, and what a reader's browser gets back.
import http from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { writePhantomSeries } from '../../scripts/data/syntheticCt.ts';
import { fixtures } from '../../e2e/support/fixtures.ts';

const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';
const fx = fixtures();

function frameUrl(s: { studyUid: string; seriesUid: string }, sop: string): string {
  return `${base}/dicom-web/studies/${s.studyUid}/series/${s.seriesUid}/instances/${sop}/frames/1`;
}

/** A request with the path exactly as written (fetch would normalise %2e%2e and the like). */
function rawRequest(method: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function sopUids(s: { studyUid: string; seriesUid: string }): Promise<string[]> {
  const res = await fetch(`${base}/dicom-web/studies/${s.studyUid}/series/${s.seriesUid}/instances`);
  const json = (await res.json()) as Array<Record<string, { Value: string[] }>>;
  return json.map((d) => d['00080018'].Value[0]);
}

describe('DICOMweb through the gateway', () => {
  it('QIDO-RS lists the loaded studies and series as DICOM JSON', async () => {
    const res = await fetch(`${base}/dicom-web/studies?PatientID=COVID-CT-01`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/dicom+json');
    const studies = (await res.json()) as Array<Record<string, { Value: unknown[] }>>;
    expect(studies.map((s) => s['0020000D'].Value[0])).toEqual([fx.covid.studyUid]);
    // Filtered by modality: results stored into the study by other tests are series of their own.
    const series = (await (await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}/series?Modality=CT&includefield=00201209`)).json()) as Array<Record<string, { Value: unknown[] }>>;
    expect(series.map((s) => s['00201209'].Value[0])).toEqual([133]);
  });

  it('series metadata points its BulkDataURIs at the gateway, not at Orthanc', async () => {
    const res = await fetch(`${base}/dicom-web/studies/${fx.lidc.studyUid}/series/${fx.lidc.seriesUid}/metadata`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as Array<Record<string, { BulkDataURI?: string }>>;
    expect(meta).toHaveLength(16);
    const uri = meta[0]['7FE00010'].BulkDataURI!;
    expect(uri.startsWith(`${base}/dicom-web/`)).toBe(true);
  });

  it('WADO-RS frames stream uncompressed by default, and compressed in their stored transfer syntax on request', async () => {
    const [sop] = await sopUids(fx.lidc);
    const raw = await fetch(frameUrl(fx.lidc, sop), { headers: { Accept: 'multipart/related; type="application/octet-stream"' } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^multipart\/related/);
    const body = new Uint8Array(await raw.arrayBuffer());
    expect(body.length).toBeGreaterThan(512 * 512 * 2);

    const [lsSop] = await sopUids(fx.jpegls);
    const ls = await fetch(frameUrl(fx.jpegls, lsSop), { headers: { Accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
    expect(ls.status).toBe(200);
    expect(ls.headers.get('content-type')).toContain('1.2.840.10008.1.2.4.80');
    const lsBody = Buffer.from(await ls.arrayBuffer());
    // A JPEG-LS code stream starts with SOI followed by SOF55 (FFD8 FFF7).
    expect(lsBody.indexOf(Buffer.from([0xff, 0xd8, 0xff, 0xf7]))).toBeGreaterThan(0);
    expect(lsBody.length).toBeLessThan(512 * 512 * 2);
  });

  it('STOW-RS through the gateway stores an instance, and storing it again is harmless', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-stow-'));
    const { files, studyUid } = writePhantomSeries(dir, {
      rows: 32, columns: 32, slices: 1, pixelSpacingMm: 10, sliceSpacingMm: 10, seed: `stow-${Date.now()}`,
      patientName: 'STOW^TEST', patientId: 'STOW-01', studyDescription: 'stow', seriesDescription: 'stow',
    });
    const boundary = 'ctawboundary';
    const part = readFileSync(files[0]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      part,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' };
    for (let n = 0; n < 2; n++) {
      const res = await fetch(`${base}/dicom-web/studies`, { method: 'POST', body, headers });
      expect(res.status).toBe(200);
    }
    const found = (await (await fetch(`${base}/dicom-web/studies?StudyInstanceUID=${studyUid}&includefield=00201208`)).json()) as Array<Record<string, { Value: unknown[] }>>;
    expect(found[0]['00201208'].Value[0]).toBe(1);
  });

  it('series metadata, kept by the gateway, follows the archive: an instance stored later is in the next answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-meta-'));
    const { files, studyUid, seriesUid } = writePhantomSeries(dir, {
      rows: 16, columns: 16, slices: 3, pixelSpacingMm: 10, sliceSpacingMm: 10, seed: `meta-${Date.now()}`,
      patientName: 'META^TEST', patientId: 'META-01', studyDescription: 'meta', seriesDescription: 'meta',
    });
    const boundary = 'ctawboundary';
    const stow = async (file: string) => {
      const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), readFileSync(file), Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const res = await fetch(`${base}/dicom-web/studies`, { method: 'POST', body, headers: { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}` } });
      expect(res.status).toBe(200);
    };
    const metadata = async () => {
      const res = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/metadata`, { headers: { Accept: 'application/dicom+json' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/dicom+json');
      return ((await res.json()) as Array<Record<string, { Value: string[] }>>).map((d) => d['00080018'].Value[0]).sort();
    };
    await stow(files[0]);
    await stow(files[1]);
    const first = await metadata();
    expect(first).toHaveLength(2);
    expect(await metadata()).toEqual(first);
    await stow(files[2]);
    expect(await metadata()).toHaveLength(3);

    // Deleted from the archive (Orthanc's own API, as an admin would): never answered from the cache.
    const orthanc = (process.env.CTAW_ORTHANC_URL ?? 'http://127.0.0.1:18643').replace(/\/+$/, '');
    const found = (await (await fetch(`${orthanc}/tools/lookup`, { method: 'POST', body: seriesUid })).json()) as Array<{ ID: string; Type: string }>;
    const id = found.find((r) => r.Type === 'Series')!.ID;
    expect((await fetch(`${orthanc}/series/${id}`, { method: 'DELETE' })).status).toBe(200);
    const gone = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/metadata`, { headers: { Accept: 'application/dicom+json' } });
    expect(gone.status).toBe(404);
    await stow(files[1]);
    expect(await metadata()).toHaveLength(1);
  });
});

describe('what the gateway does not pass', () => {
  it("keeps Orthanc's REST API and the plugin's server-to-server API out of reach", async () => {
    for (const path of ['/instances', '/system', '/tools/find', '/patients', '/dicom-web/servers', '/app/explorer.html', '/series/x/archive']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('Orthanc');
    }
    const post = await fetch(`${base}/tools/find`, { method: 'POST', body: '{"Level":"Instance","Query":{}}' });
    expect(post.status).toBe(404);
  });

  it('refuses path traversal, encoded slashes and writes other than STOW', async () => {
    for (const path of ['/dicom-web/studies/%2e%2e/%2e%2e/system', '/dicom-web/studies%2F..%2F..%2Finstances', '/dicom-web/studies/..%5C..%5Csystem', '/dicom-web/../instances', '/dicom-web/studies/../../system']) {
      const res = await rawRequest('GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).not.toContain('Orthanc');
    }
    expect([403, 404]).toContain((await rawRequest('GET', '/../../instances')).status);
    const del = await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    const still = await fetch(`${base}/dicom-web/studies?StudyInstanceUID=${fx.covid.studyUid}`);
    expect(((await still.json()) as unknown[]).length).toBe(1);
  });

  it('answers 502 with a readable message when Orthanc is down (fault injected: gateway pointed at a closed port)', async () => {
    const app = await buildApp({ host: '127.0.0.1', port: 0, orthancUrl: 'http://127.0.0.1:9', distDir: null, upstreamTimeoutMs: 5000 });
    try {
      const res = await app.inject({ method: 'GET', url: '/dicom-web/studies' });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual({ error: 'The image archive is not reachable.' });
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.json()).toEqual({ ok: true, orthanc: false });
    } finally {
      await app.close();
    }
  });
});
