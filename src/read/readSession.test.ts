// The read session against a fake archive (a loopback HTTP server answering QIDO and WADO for the
// SEGs it holds), a real IndexedDB (fake-indexeddb) and the real SEG codec run in place; the
// labelmap tools are a stand-in holding a labelmap, since no views are drawn here.
import 'fake-indexeddb/auto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeSeg } from '../seg/segDecoder.ts';
import { encodeSeg } from '../seg/segEncoder.ts';
import type { SegSource } from '../seg/segModel.ts';
import { SEGMENTS, slicesFor, tiltedGrid } from '../seg/segTestData.ts';
import { DraftStore } from '../storage/draftStore.ts';
import { LocalDb } from '../storage/localDb.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';
import { legacySeriesUids, segSeriesDescription } from './readSeries.ts';
import { ReadSession } from './readSession.ts';

// What DraftAutosave and the retry listen to; there is no page here.
const g = globalThis as unknown as Record<string, unknown>;
g.window ??= new EventTarget();
g.document ??= Object.assign(new EventTarget(), { visibilityState: 'visible' });

const STUDY = '1.2.826.0.1.3680043.8.498.70';
const CT = '1.2.826.0.1.3680043.8.498.71';
const grid = tiltedGrid(8, 6, 4);
const source: SegSource = { studyInstanceUid: STUDY, seriesInstanceUid: CT, frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.72', patientId: 'P-1', grid, slices: slicesFor(4) };
const voxels = 8 * 6 * 4;

// ---- the fake archive: series of SEGs by UID, each with a description ----
const archive = new Map<string, { description: string; instances: Array<{ sop: string; n: number; bytes: Uint8Array }> }>();
let server: Server;
let base = '';

function segOn(ct: SegSource, painted: number[], opts: { series: string; sop: string; n: number; reader: string }): Uint8Array {
  const labels = new Uint8Array(voxels);
  for (const i of painted) labels[i] = 1;
  return encodeSeg({
    source: ct, labels, segments: SEGMENTS, reader: opts.reader, seriesDescription: segSeriesDescription(opts.reader), seriesNumber: 9001,
    instanceNumber: opts.n, sopInstanceUid: opts.sop, seriesInstanceUid: opts.series, contentDateTime: new Date(2026, 0, 1),
  }).bytes;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end(JSON.stringify(body));
    const m = /^\/dicom-web\/studies\/([\d.]+)\/series(?:\/([\d.]+)\/instances(?:\/([\d.]+))?)?$/.exec(url.pathname);
    if (!m || m[1] !== STUDY) return void res.writeHead(404).end();
    const [, , seriesUid, sop] = m;
    if (!seriesUid) {
      if (url.searchParams.get('Modality') !== 'SEG') return void res.writeHead(400).end();
      return json([...archive].map(([uid, s]) => ({ '0020000E': { vr: 'UI', Value: [uid] }, '0008103E': { vr: 'LO', Value: [s.description] } })));
    }
    const series = archive.get(seriesUid);
    if (!series) return void res.writeHead(404).end();
    if (!sop) return json(series.instances.map((i) => ({ '00080018': { vr: 'UI', Value: [i.sop] }, '00200013': { vr: 'IS', Value: [i.n] } })));
    const found = series.instances.find((i) => i.sop === sop);
    if (!found) return void res.writeHead(404).end();
    const body = Buffer.concat([Buffer.from('--b\r\nContent-Type: application/dicom\r\n\r\n'), Buffer.from(found.bytes), Buffer.from('\r\n--b--\r\n')]);
    res.writeHead(200, { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

// ---- the labelmap tools the viewer would hand over ----
function fakeTools() {
  const data = new Uint8Array(voxels);
  const calls = { replaced: 0, applied: 0 };
  const contouring = {
    editor: { labelmap: { data }, history: { canUndo: false } },
    onEdited: null as ((slices: number[]) => void) | null,
    applyDraft: () => void calls.applied++,
    replaceLabelmap: (labels: Uint8Array) => {
      data.set(labels);
      calls.replaced++;
    },
  };
  class NoForm {
    start = async () => undefined;
    formForSubmit = () => undefined;
    destroy = () => undefined;
  }
  const tools = { contouring, config: { form: null }, segSource: source, views: {}, runtime: { ReadFormSession: NoForm } } as unknown as LabelmapTools;
  return { tools, data, calls };
}

const codec = {
  warm: () => undefined,
  decode: async (bytes: ArrayBuffer | Uint8Array, target: Parameters<typeof decodeSeg>[1]) => decodeSeg(bytes, target),
  encode: async (input: Parameters<typeof encodeSeg>[0]) => encodeSeg(input),
};

let n = 0;
let db: LocalDb;
const reader = 'Ann Reader';
const open = (tools: LabelmapTools) => {
  const s = new ReadSession(db, { studyUid: STUDY, seriesUid: CT, reader }, { codec, archiveBase: base, outboxChanged: () => undefined });
  return s.prepare(tools).then(() => s);
};
const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};
const outboxSegs = async () => (await db.outbox.toArray()).filter((o) => o.kind === 'seg').map((o) => decodeSeg(o.body, { grid, slices: source.slices, seriesInstanceUid: CT, frameOfReferenceUid: source.frameOfReferenceUid }));

beforeEach(() => {
  archive.clear();
  db = new LocalDb(`read-session-${n++}`);
  useContouringStore.getState().set({ segments: SEGMENTS.map((s) => ({ ...s, visible: true, locked: false })), activeValue: 1 });
  useSaveStatusStore.getState().reset();
});

describe('a read session', () => {
  it('with nothing saved anywhere: submits into a random series of its own, the next submit into the same one, numbered', async () => {
    const { tools, data } = fakeTools();
    const session = await open(tools);
    await session.shown();
    data[5] = 1;
    expect(await session.submit()).toMatch(/^Queued for the server/);
    const series = await session.ownSegSeriesUid();
    expect(series).not.toBe((await legacySeriesUids(session.caseKey, reader)).seg);
    data[6] = 1;
    await session.submit();
    const queued = await db.outbox.toArray();
    expect(queued.map((o) => o.kind)).toEqual(['seg', 'seg']);
    const segs = await outboxSegs();
    expect(segs.map((s) => s.labels.reduce((a, v) => a + v, 0))).toEqual([1, 2]);
    // Reopened (a reload): the same series.
    session.destroy();
    const again = await open(fakeTools().tools);
    expect(await again.ownSegSeriesUid()).toBe(series);
    again.destroy();
  });

  it("loads the reader's result submitted on another device, and goes on in its series, numbered after it", async () => {
    const elsewhere = '2.25.111222333444555666777888999';
    archive.set(elsewhere, { description: segSeriesDescription(reader), instances: [{ sop: '2.25.5', n: 3, bytes: segOn(source, [1, 2, 3], { series: elsewhere, sop: '2.25.5', n: 3, reader }) }] });
    // A SEG of the same reader on another CT of the study is not this read's.
    const otherCt = { ...source, seriesInstanceUid: '1.2.826.0.1.3680043.8.498.79' };
    archive.set('2.25.9', { description: segSeriesDescription(reader), instances: [{ sop: '2.25.10', n: 7, bytes: segOn(otherCt, [9], { series: '2.25.9', sop: '2.25.10', n: 7, reader }) }] });
    const { tools, data, calls } = fakeTools();
    const session = await open(tools);
    await session.shown();
    await waitFor(() => calls.replaced === 1);
    expect([data[1], data[2], data[3], data[9]]).toEqual([1, 1, 1, 0]);
    expect(useSaveStatusStore.getState().restoredMessage).toContain('loaded from the server (instance 3)');
    expect(await session.ownSegSeriesUid()).toBe(elsewhere);
    await session.submit();
    const [queued] = await db.outbox.toArray();
    const decoded = decodeSeg(queued.body, { grid, slices: source.slices, seriesInstanceUid: CT, frameOfReferenceUid: source.frameOfReferenceUid });
    expect(decoded.labels[1]).toBe(1);
    session.destroy();
  });

  it('over a draft on this device, offers the result found elsewhere and replaces nothing until the reader chooses', async () => {
    const drafted = new Uint8Array(voxels);
    drafted[20] = 2;
    await new DraftStore(db, `${STUDY}/${CT}`, reader).save(drafted, [8, 6, 4], [0, 1, 2, 3], SEGMENTS.map((s) => ({ ...s, visible: true, locked: false })), 2);
    archive.set('2.25.42', { description: segSeriesDescription(reader), instances: [{ sop: '2.25.43', n: 1, bytes: segOn(source, [4], { series: '2.25.42', sop: '2.25.43', n: 1, reader }) }] });
    const { tools, data, calls } = fakeTools();
    const session = await open(tools);
    expect(data[20]).toBe(2);
    expect(useSaveStatusStore.getState().restoredMessage).toMatch(/Your draft was restored/);
    await session.shown();
    await waitFor(() => useSaveStatusStore.getState().choice !== null);
    expect(calls.replaced).toBe(0);
    expect(data[20]).toBe(2);
    await session.takeReplacement();
    expect([data[4], data[20]]).toEqual([1, 0]);
    session.destroy();
  });
});
