// Study-level QIDO-RS now that the gateway asks Orthanc only about the caller's studies
// (server/gateway/studySearch.ts): a reader's answer is the former one — Orthanc's answer for the
// whole archive with what they may not see taken out, in Orthanc's order — and so are its pages
// (limit/offset of the visible rows) and ModalitiesInStudy (matched on the visible series). With
// UID lists cut small, many requests give the same rows and pages that fit together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { AccessFacts } from '../../server/gateway/accessFacts.ts';
import type { DicomJson } from '../../server/gateway/blinding.ts';
import { ArchiveRowCache } from '../../server/gateway/archiveRowCache.ts';
import { type StudyQuery, isFailure, studySearch } from '../../server/gateway/studySearch.ts';
import { Upstream } from '../../server/gateway/upstream.ts';
import { type Gateway, type PhantomCt, type Who, addUser, api, call, login, orthanc, phantomCt, randomUid, segOf, startGateway, stow } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

const CASES = 8;
const R_CASES = [0, 1, 2, 3, 4, 5];
const S_CASES = [5, 6, 7];

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
const cts: PhantomCt[] = [];
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
/** every study in the archive, in the order Orthanc answers a search of all of it */
let archiveOrder: string[];

type Row = Record<string, { Value?: unknown[] }>;
const uidOf = (r: Row) => String(r['0020000D'].Value![0]);

async function studies(user: string, query = ''): Promise<Row[]> {
  const res = await call(gw, 'GET', `/dicom-web/studies${query ? `?${query}` : ''}`, { who: who[user], headers: { accept: 'application/dicom+json' } });
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  return res.json<Row[]>();
}

const uids = async (user: string, query = '') => (await studies(user, query)).map(uidOf);
/** What the former search answered: Orthanc's order, the caller's studies only. */
const formerOrder = (visible: number[]) => archiveOrder.filter((uid) => visible.some((k) => cts[k].studyUid === uid));

beforeAll(async () => {
  archive = await orthanc();
  db = await openTestPglite();
  gw = await startGateway(archive.url, db);
  for (const [name, role] of [['root', 'admin'], ['reader-r', 'reader'], ['reader-s', 'reader'], ['reader-none', 'reader'], ['lead-l', 'lead']] as const) ids[name] = await addUser(gw.app, name, role);
  for (const name of Object.keys(ids)) who[name] = await login(gw, name);
  // CASES CTs that become cases, and one more the admin uploaded and made no case of.
  for (let k = 0; k <= CASES; k++) {
    const ct = phantomCt(`search-${k}`, 1);
    cts.push(ct);
    const up = await stow(gw, who.root, ct.files);
    expect(up.status, up.text).toBe(200);
  }
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Search ${randomUid()}`, readersPerCase: 2, seed: 'search', segmentList: [{ label: 'Lesion' }] });
  expect(study.status, study.text).toBe(201);
  const added = await api(gw, who.root, 'POST', `/api/studies/${study.json<{ study: { id: number } }>().study.id}/cases`, {
    cases: cts.slice(0, CASES).map((ct) => ({ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid })),
  });
  expect(added.status, added.text).toBe(201);
  const caseIds = added.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
  for (const [reader, ks] of [['reader-r', R_CASES], ['reader-s', S_CASES]] as const) {
    for (const k of ks) expect((await api(gw, who.root, 'POST', `/api/cases/${caseIds[k]}/assignments`, { userId: ids[reader] })).status).toBe(201);
  }
  // R's own SEG in case 0 (complete: R is its only reader); S's in case 5, which R reads too.
  expect((await stow(gw, who['reader-r'], [segOf(cts[0], { reader: 'R^Reader' }).bytes])).status).toBe(200);
  expect((await stow(gw, who['reader-s'], [segOf(cts[5], { reader: 'S^Reader' }).bytes])).status).toBe(200);
  const all = await fetch(`${archive.url}/dicom-web/studies`, { headers: { accept: 'application/dicom+json' } });
  archiveOrder = ((await all.json()) as Row[]).map(uidOf);
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  archive?.stop();
});

describe('a reader’s study search', () => {
  it('answers the former rows in the former order, with counts of the visible series', async () => {
    const rows = await studies('reader-r', 'includefield=00080061&includefield=00201206&includefield=00201208');
    expect(rows.map(uidOf)).toEqual(formerOrder(R_CASES));
    const byUid = new Map(rows.map((r) => [uidOf(r), r]));
    expect(byUid.get(cts[0].studyUid)!['00080061'].Value).toEqual(['CT', 'SEG']);
    expect(byUid.get(cts[0].studyUid)!['00201206'].Value).toEqual([2]);
    expect(byUid.get(cts[0].studyUid)!['00201208'].Value).toEqual([2]);
    // S's SEG in case 5 is not counted.
    expect(byUid.get(cts[5].studyUid)!['00080061'].Value).toEqual(['CT']);
    expect(byUid.get(cts[5].studyUid)!['00201206'].Value).toEqual([1]);
    expect(await uids('reader-s')).toEqual(formerOrder(S_CASES));
    expect(await uids('reader-none')).toEqual([]);
    // An empty StudyInstanceUID key is universal matching, as before.
    expect(await uids('reader-r', 'StudyInstanceUID=')).toEqual(formerOrder(R_CASES));
    // The caller's own keys still apply, beside the list.
    expect(await uids('reader-r', `PatientID=${cts[2].patientId}`)).toEqual([cts[2].studyUid]);
    expect(await uids('reader-r', `PatientID=${cts[7].patientId}`)).toEqual([]);
  });

  it('pages the visible rows: every limit and offset is a slice of the whole answer', async () => {
    const whole = formerOrder(R_CASES);
    for (const limit of [1, 2, 4, 6, 10]) {
      for (const offset of [0, 1, 3, 5, 6, 9]) {
        expect(await uids('reader-r', `limit=${limit}&offset=${offset}`), `limit=${limit}&offset=${offset}`).toEqual(whole.slice(offset, offset + limit));
      }
    }
    expect(await uids('reader-r', 'offset=4')).toEqual(whole.slice(4));
    expect(await uids('reader-r', 'limit=0')).toEqual([]);
  });

  it('matches ModalitiesInStudy on the series the caller may see, before paging', async () => {
    const whole = formerOrder(R_CASES);
    expect(await uids('reader-r', 'ModalitiesInStudy=SEG')).toEqual([cts[0].studyUid]);
    expect(await uids('reader-r', '00080061=SEG')).toEqual([cts[0].studyUid]);
    expect(await uids('reader-r', 'ModalitiesInStudy=SEG&offset=1')).toEqual([]);
    expect(await uids('reader-s', 'ModalitiesInStudy=SEG')).toEqual([cts[5].studyUid]);
    expect(await uids('reader-r', 'ModalitiesInStudy=CT&limit=2&offset=1')).toEqual(whole.slice(1, 3));
    expect(await uids('reader-r', 'ModalitiesInStudy=MR,SEG&limit=3')).toEqual([cts[0].studyUid]);
    expect(await uids('reader-r', 'ModalitiesInStudy=MR')).toEqual([]);
  });

  it('a lead: every case’s study, not the admin’s other upload; results once a case is complete', async () => {
    const cases = Array.from({ length: CASES }, (_, k) => k);
    expect(await uids('lead-l')).toEqual(formerOrder(cases));
    expect(await uids('lead-l', 'ModalitiesInStudy=SEG')).toEqual([cts[0].studyUid]);
    expect(await uids('lead-l', 'limit=3&offset=6')).toEqual(formerOrder(cases).slice(6, 9));
    // Counts: R's SEG once case 0 is complete; S's in case 5 not (R has not submitted there).
    const counted = new Map((await studies('lead-l', 'includefield=00080061&includefield=00201206')).map((r) => [uidOf(r), r]));
    expect(counted.get(cts[0].studyUid)!['00080061'].Value).toEqual(['CT', 'SEG']);
    expect(counted.get(cts[5].studyUid)!['00201206'].Value).toEqual([1]);
    // The admin: the whole archive, as Orthanc answers it, and never a result in the counts.
    expect(await uids('root')).toEqual(archiveOrder);
    const admin = new Map((await studies('root', 'includefield=00080061&includefield=00201206')).map((r) => [uidOf(r), r]));
    expect(admin.get(cts[0].studyUid)!['00080061'].Value).toEqual(['CT']);
    expect(admin.get(cts[CASES].studyUid)!['00201206'].Value).toEqual([1]);
  });
});

describe('many UID lists', () => {
  // About two of these UIDs a list: four requests for R's six studies.
  const small = () => studySearch({ access: new AccessFacts(db), upstream: new Upstream(archive.url, 30_000), listChars: 100 });
  const whole = () => studySearch({ access: new AccessFacts(db), upstream: new Upstream(archive.url, 30_000) });
  const ask = async (p: URLSearchParams): Promise<DicomJson[]> => {
    const res = await fetch(`${archive.url}/dicom-web/studies?${p}`, { headers: { accept: 'application/dicom+json' } });
    return res.status === 204 ? [] : ((await res.json()) as DicomJson[]);
  };
  const query = (paging: StudyQuery['paging'], modalities: string | null = null): StudyQuery => ({ params: new URLSearchParams('includefield=00080061&includefield=00201206'), paging, modalities, namesStudies: false, reuseKey: null });
  const run = async (search: ReturnType<typeof studySearch>, q: StudyQuery) => {
    const rows = await search({ id: ids['reader-r'], role: 'reader' }, q, ask);
    if (isFailure(rows)) throw new Error(`failed: ${rows.status}`);
    return rows as Row[];
  };

  it('give the same rows as one list, and pages that fit together', async () => {
    const one = await run(whole(), query({ limit: null, offset: 0 }));
    const many = await run(small(), query({ limit: null, offset: 0 }));
    expect([...many].sort((a, b) => uidOf(a).localeCompare(uidOf(b)))).toEqual([...one].sort((a, b) => uidOf(a).localeCompare(uidOf(b))));
    const pages: string[] = [];
    for (let offset = 0; offset < many.length + 2; offset += 2) pages.push(...(await run(small(), query({ limit: 2, offset }))).map(uidOf));
    expect(pages).toEqual(many.map(uidOf));
    expect((await run(small(), query({ limit: null, offset: 0 }, 'SEG'))).map(uidOf)).toEqual([cts[0].studyUid]);
    expect((await run(small(), query({ limit: 2, offset: 1 }, 'CT'))).map(uidOf)).toEqual(many.map(uidOf).slice(1, 3));
  });

  it("reuse Orthanc's rows only while its change number stands: a study stored around the gateway is in the next answer", async () => {
    const upstream = new Upstream(archive.url, 30_000);
    const search = studySearch({ access: new AccessFacts(db), upstream, rows: new ArchiveRowCache(upstream) });
    let asked = 0;
    const counted = async (p: URLSearchParams) => {
      asked++;
      return ask(p);
    };
    const q: StudyQuery = { ...query({ limit: null, offset: 0 }), reuseKey: 'test /dicom-web/studies' };
    const admin = { id: ids.root, role: 'admin' } as const;
    const first = await search(admin, q, counted);
    expect(asked).toBe(1);
    expect(await search(admin, q, counted)).toEqual(first);
    expect(asked).toBe(1);
    // Another query is another answer.
    await search(admin, { ...q, params: new URLSearchParams('includefield=00080061') }, counted);
    expect(asked).toBe(2);
    const extra = phantomCt('search-around', 1);
    for (const file of extra.files) expect((await fetch(`${archive.url}/instances`, { method: 'POST', body: Buffer.from(file) })).status).toBe(200);
    const after = (await search(admin, q, counted)) as Row[];
    expect(asked).toBe(3);
    expect(after.map(uidOf)).toContain(extra.studyUid);
    expect(after).toHaveLength((first as Row[]).length + 1);
    // Without a key (a query naming UIDs) nothing is reused.
    await search(admin, { ...q, reuseKey: null }, counted);
    await search(admin, { ...q, reuseKey: null }, counted);
    expect(asked).toBe(5);
  });
});
