// Reading a reader's result back from the archive the way a second reader would: the SEG's
// bytes through the gateway, decoded onto the open CT, and the SOP Instance UIDs the browser
// queued in its outbox (read from IndexedDB itself).
import { expect, type Page } from '@playwright/test';
import { firstPart } from '../../src/dicomweb/multipart.ts';
import { decodeSeg } from '../../src/seg/segDecoder.ts';
import type { DecodedSeg, SegDecodeTarget } from '../../src/seg/segModel.ts';

const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';

export async function fetchInstance(studyUid: string, seriesUid: string, sop: string): Promise<Uint8Array> {
  const r = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances/${sop}`, { headers: { Accept: 'multipart/related; type="application/dicom"' } });
  expect(r.status).toBe(200);
  return firstPart(new Uint8Array(await r.arrayBuffer()), r.headers.get('content-type') ?? '').body;
}

/** Decodes SEG bytes onto the CT open in the page. */
export async function decodeOnOpenCt(page: Page, bytes: Uint8Array): Promise<DecodedSeg> {
  const target: SegDecodeTarget = await page.evaluate(() => {
    const src = (window.__ctawViewer as unknown as { segSource(): { grid: unknown; slices: unknown; seriesInstanceUid: string; frameOfReferenceUid: string } }).segSource();
    return { grid: src.grid, slices: src.slices, seriesInstanceUid: src.seriesInstanceUid, frameOfReferenceUid: src.frameOfReferenceUid } as never;
  });
  return decodeSeg(bytes, target);
}

/** Voxel indices holding `value`, as labelIndices() reads them from the page. */
export function indicesOf(labels: Uint8Array, value: number): number[] {
  const out: number[] = [];
  labels.forEach((v, n) => {
    if (v === value) out.push(n);
  });
  return out;
}

interface OutboxRow {
  kind: 'seg' | 'form';
  state: string;
  createdAt: number;
  sopInstanceUid: string;
}

/** The outbox as the browser holds it, in the order it was queued, straight from IndexedDB. */
async function readOutbox(page: Page): Promise<OutboxRow[]> {
  const rows = await page.evaluate(
    () =>
      new Promise<OutboxRow[]>((resolve, reject) => {
        const open = indexedDB.open('ctaw');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => {
            resolve((all.result as OutboxRow[]).map(({ kind, state, createdAt, sopInstanceUid }) => ({ kind, state, createdAt, sopInstanceUid })));
            open.result.close();
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

/** The outbox's SOP Instance UIDs of one kind in the order they were queued. */
export async function outboxSops(page: Page, kind: 'seg' | 'form'): Promise<string[]> {
  return (await readOutbox(page)).filter((r) => r.kind === kind).map((r) => r.sopInstanceUid);
}

/** Waits until the outbox holds `count` results and every one is sent. */
export async function waitForOutboxSent(page: Page, count: number, timeout = 90_000): Promise<void> {
  await expect.poll(async () => (await readOutbox(page)).map((r) => r.state), { timeout }).toEqual(Array.from({ length: count }, () => 'sent'));
}
