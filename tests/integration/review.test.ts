// The lead's review end to end, against the real gateway (requireLogin on, over HTTP) and a real
// Orthanc: readers A and B read case X, A and C case Y, B and C case Z. The queue shows a case once
// both its reads are in; an agreement is kept only for the versions of the reads it came from,
// and a new read makes it stale; the queue sorts and filters; the lead's own SEG of a complete
// case is the consensus read (adjudicated), which no reader sees or learns of; an admin's queue
// carries no result identity; a reader is refused every review route.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseAgreementAnswer, ReviewQueue, ReviewQueueItem, StudyAgreement } from '../../src/model/api.ts';
import { summarize, type CaseAgreement, type ReadVersion } from '../../src/model/review.ts';
import type { Database } from '../../server/db/database.ts';
import { NOT_COMPLETE, STALE_VERSIONS } from '../../server/routes/review.ts';
import { type Answer, type Gateway, type PhantomCt, type Who, addUser, api, call, login, orthanc, phantomCt, randomUid, segOf, startGateway, stow } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

type Seg = ReturnType<typeof segOf>;

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
const cts: Record<'x' | 'y' | 'z', PhantomCt> = {} as never;
const cases: Record<'x' | 'y' | 'z', number> = {} as never;
let studyId: number;
let otherStudyId: number;
const segs: Record<string, Seg> = {};
let consensus: Seg;

const get = (user: Who, path: string, accept?: string): Promise<Answer> => call(gw, 'GET', path, { who: user, headers: accept ? { accept } : {} });
const queue = async (user: Who, query = ''): Promise<ReviewQueueItem[]> => {
  const res = await get(user, `/api/review/queue${query}`);
  expect(res.status, `${query}: ${res.text}`).toBe(200);
  return res.json<ReviewQueue>().items;
};
const itemOf = async (c: 'x' | 'y' | 'z', user: Who = who['lead-l']): Promise<ReviewQueueItem | undefined> => (await queue(user)).find((i) => i.caseId === cases[c]);

async function store(reader: string, c: 'x' | 'y' | 'z', name: string, opts: { seriesInstanceUid?: string } = {}): Promise<Seg> {
  const seg = segOf(cts[c], { reader: `${reader}^Reader`, ...opts });
  const res = await stow(gw, who[reader], [seg.bytes]);
  expect(res.status, res.text).toBe(200);
  segs[name] = seg;
  return seg;
}

/** The parts of an answer a client can compare: status, headers but the date, and the body. */
function fingerprint(a: Answer): { status: number; headers: Record<string, unknown>; body: string } {
  const headers: Record<string, unknown> = { ...a.headers };
  delete headers.date;
  return { status: a.status, headers, body: a.body.toString('base64') };
}

/** A UID of the same length as `uid` that exists nowhere. */
function sameLengthRandom(uid: string): string {
  let digits = '1';
  while (digits.length < uid.length - 5) digits += String(randomBytes(1)[0] % 10);
  return `2.25.${digits}`;
}

function figures(dice: number) {
  return {
    dice, jaccard: dice / (2 - dice), voxelsA: 4, voxelsB: 4, volumeAMl: 4, volumeBMl: 3, volumeDiffMl: 1, volumeDiffPct: 100 / 3.5,
    hdMm: 10, hd95Mm: 10, msdMm: 2.5, lesionsA: 1, lesionsB: 1, matchedA: 1, matchedB: 1, missed: 0, extra: 0, lesionF1: 1,
  };
}

/** An agreement as the lead's browser would send it: the merged pair, one per segment, one form item. */
function agreementOf(caseId: number, versions: ReadVersion[], dice: number): CaseAgreement {
  const [a, b] = versions.map((v) => v.userId);
  return {
    caseId,
    versions,
    pairs: [
      { userA: a, userB: b, segment: null, figures: figures(dice) },
      { userA: a, userB: b, segment: 'Lesion', figures: figures(dice) },
    ],
    form: [
      { itemId: 'emphysema', label: 'Emphysema', answers: [{ userId: a, answer: 'present' }, { userId: b, answer: 'absent' }], agree: false },
      { itemId: 'effusion', label: 'Pleural effusion', answers: [{ userId: a, answer: null }, { userId: b, answer: null }], agree: true },
    ],
    reads: versions.map((v) => ({ userId: v.userId, lesionVolumeMl: 4, severityScore: null, answers: { emphysema: 'present', effusion: null }, readingTimeS: 30 })),
    computedAt: new Date().toISOString(),
  };
}

const versionsOf = (...pairs: Array<[string, Seg]>): ReadVersion[] =>
  pairs.map(([reader, seg]) => ({ userId: ids[reader], segSopInstanceUid: seg.sopInstanceUid, srSopInstanceUid: null })).sort((p, q) => p.userId - q.userId);

beforeAll(async () => {
  archive = await orthanc();
  db = await openTestPglite();
  gw = await startGateway(archive.url, db);
  for (const [name, role] of [['root', 'admin'], ['reader-a', 'reader'], ['reader-b', 'reader'], ['reader-c', 'reader'], ['lead-l', 'lead']] as const) ids[name] = await addUser(gw.app, name, role);
  for (const name of Object.keys(ids)) who[name] = await login(gw, name);
  for (const c of ['x', 'y', 'z'] as const) {
    cts[c] = phantomCt(`review-${c}`, 2);
    const up = await stow(gw, who.root, cts[c].files);
    expect(up.status, up.text).toBe(200);
  }
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Review ${randomUid()}`, readersPerCase: 2, seed: 'review', segmentList: [{ label: 'Lesion' }] });
  studyId = study.json<{ study: { id: number } }>().study.id;
  otherStudyId = (await api(gw, who.root, 'POST', '/api/studies', { name: `Other ${randomUid()}` })).json<{ study: { id: number } }>().study.id;
  const added = await api(gw, who.root, 'POST', `/api/studies/${studyId}/cases`, { cases: (['x', 'y', 'z'] as const).map((c) => ({ studyInstanceUid: cts[c].studyUid, seriesInstanceUid: cts[c].seriesUid })) });
  expect(added.status, added.text).toBe(201);
  [cases.x, cases.y, cases.z] = added.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
  for (const [c, reader] of [['x', 'reader-a'], ['x', 'reader-b'], ['y', 'reader-a'], ['y', 'reader-c'], ['z', 'reader-b'], ['z', 'reader-c']] as const) {
    expect((await api(gw, who.root, 'POST', `/api/cases/${cases[c]}/assignments`, { userId: ids[reader] })).status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  archive?.stop();
});

describe('the queue and the kept agreement', () => {
  it('is empty until every assigned reader of a case has submitted; a lead opening such a case gets a message', async () => {
    expect(await queue(who['lead-l'])).toEqual([]);
    expect((await call(gw, 'POST', `/api/cases/${cases.x}/opened`, { who: who['reader-a'] })).status).toBe(204);
    await store('reader-a', 'x', 'xa');
    expect(await queue(who['lead-l'])).toEqual([]);
    const early = await get(who['lead-l'], `/api/cases/${cases.x}/agreement`);
    expect(early.status).toBe(409);
    expect(early.json()).toEqual({ error: NOT_COMPLETE });
    const open = await api(gw, who['lead-l'], 'POST', `/api/cases/${cases.x}/review`, { state: 'in_review' });
    expect(open.status).toBe(409);
    expect((await get(who['lead-l'], '/api/cases/999999/agreement')).json()).toEqual({ error: 'no such case' });
  });

  it('lists the case once both reads are in: its reads, their results, the versions, no summary yet', async () => {
    await store('reader-b', 'x', 'xb');
    const items = await queue(who['lead-l']);
    expect(items).toHaveLength(1);
    const item = items[0];
    expect(item).toMatchObject({ caseId: cases.x, studyId, label: 'Case 0001', studyInstanceUid: cts.x.studyUid, seriesInstanceUid: cts.x.seriesUid, state: 'to_review', summary: null, consensus: null });
    expect(item.versions).toEqual(versionsOf(['reader-a', segs.xa], ['reader-b', segs.xb]));
    expect(item.reads.map((r) => [r.username, r.results])).toEqual([
      ['reader-a', [{ kind: 'seg', studyInstanceUid: cts.x.studyUid, seriesInstanceUid: segs.xa.seriesInstanceUid, sopInstanceUids: [segs.xa.sopInstanceUid], storedAt: expect.any(String) }]],
      ['reader-b', [{ kind: 'seg', studyInstanceUid: cts.x.studyUid, seriesInstanceUid: segs.xb.seriesInstanceUid, sopInstanceUids: [segs.xb.sopInstanceUid], storedAt: expect.any(String) }]],
    ]);
    // A opened the case before storing: a reading time; B never said so: none.
    const [a, b] = item.reads;
    expect(a.openedAt).toEqual(expect.any(String));
    expect(a.readingTimeS).toBeGreaterThanOrEqual(0);
    expect(a.readingTimeS).toBe((Date.parse(a.submittedAt!) - Date.parse(a.openedAt!)) / 1000);
    expect(b).toMatchObject({ openedAt: null, readingTimeS: null, submittedAt: expect.any(String) });
    const answer = await get(who['lead-l'], `/api/cases/${cases.x}/agreement`);
    expect(answer.json<CaseAgreementAnswer>()).toEqual({ versions: item.versions, agreement: null });
  });

  it('keeps a reader disabled after submitting: the case, the read and its versions stay in the queue', async () => {
    const before = (await queue(who['lead-l'])).find((i) => i.caseId === cases.x)!;
    const off = await api(gw, who.root, 'POST', `/api/admin/users/${ids['reader-b']}/disable`, { disabled: true });
    expect(off.status, off.text).toBe(200);
    const during = (await queue(who['lead-l'])).find((i) => i.caseId === cases.x);
    expect(during?.versions).toEqual(before.versions);
    expect(during?.reads.map((r) => r.username)).toEqual(['reader-a', 'reader-b']);
    expect((await api(gw, who.root, 'POST', `/api/admin/users/${ids['reader-b']}/disable`, { disabled: false })).status).toBe(200);
    // Disabling ended B's sessions: B logs in again for the tests after.
    who['reader-b'] = await login(gw, 'reader-b');
  });

  it('refuses an agreement of other versions (409), and one of the wrong shape (400), keeping nothing', async () => {
    const current = versionsOf(['reader-a', segs.xa], ['reader-b', segs.xb]);
    const stale = [{ ...current[0], segSopInstanceUid: randomUid() }, current[1]];
    const put = (body: unknown, user = who['lead-l']) => api(gw, user, 'PUT', `/api/cases/${cases.x}/agreement`, body);
    const refused = await put(agreementOf(cases.x, stale, 0.5));
    expect(refused.status).toBe(409);
    expect(refused.json()).toEqual({ error: STALE_VERSIONS });
    const good = agreementOf(cases.x, current, 0.5);
    const bad: Array<[string, unknown, RegExp]> = [
      ['an unknown field', { ...good, extra: 1 }, /extra/],
      ['a dice above 1', { ...good, pairs: [{ ...good.pairs[0], figures: { ...figures(0.5), dice: 1.5 } }] }, /pairs\[0\]\.figures\.dice/],
      ['a number as a string', { ...good, pairs: [{ ...good.pairs[0], figures: { ...figures(0.5), dice: '0.5' } }] }, /dice is not a finite number/],
      ['a reader not assigned', { ...good, reads: [{ ...good.reads[0], userId: ids['reader-c'] }] }, /reads\[0\]\.userId is not the user id of a reader assigned/],
      ['a missing field', { ...good, form: undefined }, /form is missing/],
      ['another case', { ...good, caseId: cases.y }, /caseId/],
      ['a date that is none', { ...good, computedAt: 'yesterday' }, /computedAt/],
      ['no object', [good], /not an object/],
    ];
    for (const [what, body, message] of bad) {
      const res = await put(body);
      expect(res.status, what).toBe(400);
      expect(res.json<{ error: string }>().error, what).toMatch(message);
    }
    // JSON's 1e400 is Infinity once parsed.
    const infinite = await call(gw, 'PUT', `/api/cases/${cases.x}/agreement`, {
      who: who['lead-l'],
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(good).replace('"volumeAMl":4', '"volumeAMl":1e400'),
    });
    expect(infinite.status).toBe(400);
    expect(infinite.json<{ error: string }>().error).toMatch(/volumeAMl is not a finite number/);
    const huge = await put({ ...good, form: [{ ...good.form[0], label: 'x'.repeat(2 * 1024 * 1024) }] });
    expect(huge.status).toBe(413);
    expect(huge.json()).toEqual({ error: 'an agreement is at most 2 MB' });
    const noCsrf = await call(gw, 'PUT', `/api/cases/${cases.x}/agreement`, { who: { cookie: who['lead-l'].cookie }, headers: { 'content-type': 'application/json' }, body: JSON.stringify(good) });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json()).toEqual({ error: 'missing or wrong x-csrf-token header' });
    expect((await db.query('SELECT 1 FROM case_agreements')).rowCount).toBe(0);
  });

  it('keeps an agreement of the current versions: the queue then has its summary', async () => {
    const current = versionsOf(['reader-a', segs.xa], ['reader-b', segs.xb]);
    // The versions in any order are the same versions.
    const agreement = agreementOf(cases.x, [...current].reverse(), 0.5);
    const res = await api(gw, who['lead-l'], 'PUT', `/api/cases/${cases.x}/agreement`, agreement);
    expect(res.status, res.text).toBe(200);
    const kept = { ...agreement, versions: current };
    expect(res.json()).toEqual({ versions: current, agreement: kept });
    expect((await get(who['lead-l'], `/api/cases/${cases.x}/agreement`)).json()).toEqual({ versions: current, agreement: kept });
    const item = await itemOf('x');
    expect(item!.summary).toEqual(summarize(agreement));
    expect(item!.summary).toEqual({ lowestDice: 0.5, largestVolumeDiffMl: 1, largestVolumeDiffPct: 100 / 3.5, formItemsDiffering: 1 });
    const row = await db.query<{ computed_by: number }>('SELECT computed_by FROM case_agreements WHERE case_id = $1', [cases.x]);
    expect(row.rows).toEqual([{ computed_by: ids['lead-l'] }]);
    const audit = (await get(who.root, `/api/cases/${cases.x}/audit`)).json<{ entries: Array<{ action: string; detail: unknown }> }>().entries;
    expect(audit.find((e) => e.action === 'review.agreement')?.detail).toEqual({ summary: summarize(agreement) });
  });

  it('a reader submitting again makes it stale: no summary, no agreement, the new versions', async () => {
    const again = await store('reader-a', 'x', 'xa2', { seriesInstanceUid: segs.xa.seriesInstanceUid });
    const item = await itemOf('x');
    expect(item!.summary).toBeNull();
    const current = versionsOf(['reader-a', again], ['reader-b', segs.xb]);
    expect(item!.versions).toEqual(current);
    expect(item!.reads[0].results![0].sopInstanceUids).toEqual([segs.xa.sopInstanceUid, again.sopInstanceUid]);
    expect((await get(who['lead-l'], `/api/cases/${cases.x}/agreement`)).json()).toEqual({ versions: current, agreement: null });
    // The old agreement again is stale; recomputed, it is kept.
    expect((await api(gw, who['lead-l'], 'PUT', `/api/cases/${cases.x}/agreement`, agreementOf(cases.x, versionsOf(['reader-a', segs.xa], ['reader-b', segs.xb]), 0.5))).status).toBe(409);
    expect((await api(gw, who['lead-l'], 'PUT', `/api/cases/${cases.x}/agreement`, agreementOf(cases.x, current, 0.4))).status).toBe(200);
    expect((await itemOf('x'))!.summary!.lowestDice).toBe(0.4);
  });
});

describe('sorting and filtering the queue', () => {
  beforeAll(async () => {
    await store('reader-a', 'y', 'ya');
    await store('reader-c', 'y', 'yc');
    await store('reader-b', 'z', 'zb');
    await store('reader-c', 'z', 'zc');
    const y = await api(gw, who['lead-l'], 'PUT', `/api/cases/${cases.y}/agreement`, agreementOf(cases.y, versionsOf(['reader-a', segs.ya], ['reader-c', segs.yc]), 0.9));
    expect(y.status, y.text).toBe(200);
  });

  const order = async (query: string) => (await queue(who['lead-l'], query)).map((i) => i.label);

  it('sorts worst first (lowest Dice by default), `-` reversing; cases without figures last either way', async () => {
    expect(await order('')).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
    expect(await order('?sort=lowestDice')).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
    expect(await order('?sort=-lowestDice')).toEqual(['Case 0002', 'Case 0001', 'Case 0003']);
    expect(await order('?sort=label')).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
    expect(await order('?sort=-label')).toEqual(['Case 0003', 'Case 0002', 'Case 0001']);
    // Equal volume differences and form items: the label decides.
    expect(await order('?sort=largestVolumeDiffMl')).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
    expect(await order('?sort=formItemsDiffering,-label')).toEqual(['Case 0002', 'Case 0001', 'Case 0003']);
    expect(await order('?sort=-largestVolumeDiffPct')).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
  });

  it('filters by study, reader and state', async () => {
    expect(await order(`?study=${studyId}`)).toEqual(['Case 0001', 'Case 0002', 'Case 0003']);
    expect(await order(`?study=${otherStudyId}`)).toEqual([]);
    expect(await order(`?reader=${ids['reader-c']}`)).toEqual(['Case 0002', 'Case 0003']);
    expect(await order(`?reader=${ids['reader-b']}&sort=-label`)).toEqual(['Case 0003', 'Case 0001']);
    expect(await order('?state=in_review')).toEqual([]);
    expect((await api(gw, who['lead-l'], 'POST', `/api/cases/${cases.z}/review`, { state: 'in_review' })).status).toBe(204);
    expect(await order('?state=in_review')).toEqual(['Case 0003']);
    expect(await order('?state=to_review,adjudicated')).toEqual(['Case 0001', 'Case 0002']);
    const audit = (await get(who['lead-l'], `/api/cases/${cases.z}/audit`)).json<{ entries: Array<{ action: string; username: string }> }>().entries;
    expect(audit.filter((e) => e.action === 'review.open').map((e) => e.username)).toEqual(['lead-l']);
  });

  it('answers a bad parameter with 400 naming it, a repeated one too', async () => {
    for (const [query, message] of [
      ['?sort=dice', /^sort is/],
      ['?state=done', /^state is/],
      ['?study=x', /^study is/],
      ['?reader=0', /^reader is/],
      ['?limit=10', /"limit"/],
      ['?state=to_review&state=in_review', /"state" is given more than once/],
    ] as const) {
      const res = await get(who['lead-l'], `/api/review/queue${query}`);
      expect(res.status, query).toBe(400);
      expect(res.json<{ error: string }>().error, query).toMatch(message);
    }
    for (const body of [{}, { state: 'adjudicated' }, { state: 'in_review', extra: 1 }]) {
      expect((await api(gw, who['lead-l'], 'POST', `/api/cases/${cases.z}/review`, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('GET /api/studies/:id/agreement: every case’s agreement of its current versions', async () => {
    const res = await get(who['lead-l'], `/api/studies/${studyId}/agreement`);
    expect(res.status).toBe(200);
    const body = res.json<StudyAgreement>();
    expect(body.cases.map((c) => [c.caseId, c.label, c.agreement.pairs[0].figures.dice])).toEqual([
      [cases.x, 'Case 0001', 0.4],
      [cases.y, 'Case 0002', 0.9],
    ]);
    expect((await get(who['lead-l'], `/api/studies/${otherStudyId}/agreement`)).json()).toEqual({ cases: [] });
    expect((await get(who['lead-l'], '/api/studies/999999/agreement')).status).toBe(404);
  });
});

describe('the consensus read', () => {
  const views = async (reader: string) => {
    const ct = cts.x;
    return {
      studies: (await get(who[reader], `/dicom-web/studies?StudyInstanceUID=${ct.studyUid}&includefield=00201206&includefield=00201208&includefield=00080061`)).json(),
      series: (await get(who[reader], `/dicom-web/studies/${ct.studyUid}/series`)).json(),
      instances: (await get(who[reader], `/dicom-web/studies/${ct.studyUid}/instances`)).json(),
      worklist: (await get(who[reader], '/api/worklist')).json(),
    };
  };
  let before: Record<string, Awaited<ReturnType<typeof views>>>;

  beforeAll(async () => {
    before = { 'reader-a': await views('reader-a'), 'reader-b': await views('reader-b') };
    consensus = segOf(cts.x, { reader: 'L^Lead' });
    const res = await stow(gw, who['lead-l'], [consensus.bytes]);
    expect(res.status, res.text).toBe(200);
  });

  it('the lead’s SEG of a complete case is the consensus: the case is adjudicated', async () => {
    const rows = await db.query<{ user_id: number; consensus: boolean }>('SELECT user_id, consensus FROM results WHERE case_id = $1 ORDER BY stored_at', [cases.x]);
    expect(rows.rows.map((r) => [r.user_id, r.consensus])).toEqual([
      [ids['reader-a'], false],
      [ids['reader-b'], false],
      [ids['reader-a'], false],
      [ids['lead-l'], true],
    ]);
    const item = await itemOf('x');
    expect(item!.state).toBe('adjudicated');
    expect(item!.consensus).toEqual([{ kind: 'seg', studyInstanceUid: cts.x.studyUid, seriesInstanceUid: consensus.seriesInstanceUid, sopInstanceUids: [consensus.sopInstanceUid], storedAt: expect.any(String) }]);
    // It is no read: the versions and the kept agreement stand.
    expect(item!.versions.map((v) => v.userId)).toEqual([ids['reader-a'], ids['reader-b']].sort((p, q) => p - q));
    expect(item!.summary!.lowestDice).toBe(0.4);
    expect(await queue(who['lead-l'], '?state=adjudicated')).toHaveLength(1);
    // The lead sees their own consensus series.
    expect((await get(who['lead-l'], `/dicom-web/studies/${cts.x.studyUid}/series/${consensus.seriesInstanceUid}/metadata`)).status).toBe(200);
    // /reads lists the assigned readers only.
    expect((await get(who['lead-l'], `/api/cases/${cases.x}/reads`)).text).not.toContain(consensus.seriesInstanceUid);
  });

  it('readers A and B see nothing of it: QIDO, WADO and the worklist answer as before, and as for a random UID', async () => {
    const ct = cts.x;
    const randomSeries = sameLengthRandom(consensus.seriesInstanceUid);
    const randomSop = sameLengthRandom(consensus.sopInstanceUid);
    for (const reader of ['reader-a', 'reader-b']) {
      expect(await views(reader), reader).toEqual(before[reader]);
      const pairs: Array<[string, string]> = [
        [`/dicom-web/studies/${ct.studyUid}/series/${consensus.seriesInstanceUid}/metadata`, `/dicom-web/studies/${ct.studyUid}/series/${randomSeries}/metadata`],
        [`/dicom-web/studies/${ct.studyUid}/series/${consensus.seriesInstanceUid}/instances/${consensus.sopInstanceUid}/metadata`, `/dicom-web/studies/${ct.studyUid}/series/${randomSeries}/instances/${randomSop}/metadata`],
        [`/dicom-web/studies/${ct.studyUid}/series/${consensus.seriesInstanceUid}/instances`, `/dicom-web/studies/${ct.studyUid}/series/${randomSeries}/instances`],
        [`/dicom-web/series?SeriesInstanceUID=${consensus.seriesInstanceUid}`, `/dicom-web/series?SeriesInstanceUID=${randomSeries}`],
        [`/dicom-web/instances?SOPInstanceUID=${consensus.sopInstanceUid}`, `/dicom-web/instances?SOPInstanceUID=${randomSop}`],
      ];
      for (const [hidden, random] of pairs) expect(fingerprint(await get(who[reader], hidden)), `${reader} ${hidden}`).toEqual(fingerprint(await get(who[reader], random)));
      const worklist = await get(who[reader], '/api/worklist');
      for (const secret of [consensus.seriesInstanceUid, consensus.sopInstanceUid]) expect(worklist.text).not.toContain(secret);
      // Nor can they store into it: the answer of someone else's series.
      const into = await stow(gw, who[reader], [segOf(ct, { reader: 'X', seriesInstanceUid: consensus.seriesInstanceUid }).bytes]);
      const intoOther = await stow(gw, who[reader], [segOf(ct, { reader: 'X', seriesInstanceUid: segs[reader === 'reader-a' ? 'xb' : 'xa'].seriesInstanceUid }).bytes]);
      expect(fingerprint(into)).toEqual(fingerprint(intoOther));
      expect(into.status).toBe(403);
    }
  });

  it("an admin's queue has no result identity: no results, versions [], a consensus only as []", async () => {
    const res = await get(who.root, '/api/review/queue');
    expect(res.status).toBe(200);
    const items = res.json<ReviewQueue>().items;
    expect(items.map((i) => [i.label, i.state])).toEqual([
      ['Case 0001', 'adjudicated'],
      ['Case 0002', 'to_review'],
      ['Case 0003', 'in_review'],
    ]);
    for (const item of items) {
      expect(item.versions).toEqual([]);
      expect(item.reads.every((r) => r.results === undefined && typeof r.submittedAt === 'string')).toBe(true);
    }
    expect(items.map((i) => i.consensus)).toEqual([[], null, null]);
    expect(items[0].summary!.lowestDice).toBe(0.4);
    for (const seg of [...Object.values(segs), consensus]) {
      expect(res.text).not.toContain(seg.seriesInstanceUid);
      expect(res.text).not.toContain(seg.sopInstanceUid);
    }
    const audit = await get(who.root, `/api/cases/${cases.x}/audit`);
    expect(audit.text).not.toContain(consensus.sopInstanceUid);
    expect(audit.text).not.toContain(segs.xa.sopInstanceUid);
  });
});

describe('who may call the review routes', () => {
  it('refuses a reader every one of them (and an admin all but the queue) with the lead routes’ 403', async () => {
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/review/queue'],
      ['GET', `/api/cases/${cases.x}/agreement`],
      ['PUT', `/api/cases/${cases.x}/agreement`, agreementOf(cases.x, [], 1)],
      ['POST', `/api/cases/${cases.x}/review`, { state: 'in_review' }],
      ['GET', `/api/studies/${studyId}/agreement`],
      // A case or study that does not exist answers the same.
      ['GET', '/api/cases/999999/agreement'],
      ['GET', '/api/studies/999999/agreement'],
    ];
    for (const user of ['reader-a', 'reader-b', 'reader-c', 'root']) {
      for (const [method, path, body] of routes) {
        if (user === 'root' && path === '/api/review/queue') continue;
        const res = await api(gw, who[user], method, path, body);
        expect(res.status, `${user} ${method} ${path}`).toBe(403);
        expect(res.json(), `${user} ${method} ${path}`).toEqual({ error: 'your role does not allow this' });
      }
    }
    for (const [method, path, body] of routes) expect((await api(gw, {}, method, path, body)).status, `${method} ${path}`).toBe(401);
    // Nothing the refused calls sent was kept.
    expect((await itemOf('x'))!.summary!.lowestDice).toBe(0.4);
  });
});
