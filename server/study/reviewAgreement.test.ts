import { describe, expect, it } from 'vitest';
import type { CaseAgreement } from '../../src/model/review.ts';
import { canonicalVersions, parseCaseAgreement, sameVersions } from './reviewAgreement.ts';

const figures = { dice: 0.8, jaccard: 2 / 3, voxelsA: 10, voxelsB: 10, volumeAMl: 1, volumeBMl: 1, volumeDiffMl: 0, volumeDiffPct: 0, hdMm: 2, hd95Mm: 1.5, msdMm: null, lesionsA: 1, lesionsB: 1, matchedA: 1, matchedB: 1, missed: 0, extra: 0, lesionF1: 1 };

const agreement: CaseAgreement = {
  caseId: 7,
  versions: [
    { userId: 5, segSopInstanceUid: '2.25.5', srSopInstanceUid: null },
    { userId: 3, segSopInstanceUid: '2.25.3', srSopInstanceUid: '2.25.33' },
  ],
  pairs: [{ userA: 3, userB: 5, segment: null, figures }],
  form: [{ itemId: 'q', label: 'Q', answers: [{ userId: 3, answer: 'a' }, { userId: 5, answer: null }], agree: false }],
  reads: [{ userId: 3, lesionVolumeMl: 1, severityScore: 4, answers: { q: 'a' }, readingTimeS: 12 }],
  computedAt: '2026-12-03T10:00:00.000Z',
};
const ctx = { caseId: 7, readerIds: [3, 5] };
const errorOf = (body: unknown) => {
  const out = parseCaseAgreement(body, ctx);
  return 'error' in out ? out.error : null;
};

describe('parseCaseAgreement', () => {
  it('takes a well-formed agreement, versions in their canonical order', () => {
    const out = parseCaseAgreement(JSON.parse(JSON.stringify(agreement)), ctx);
    expect(out).toEqual({ agreement: { ...agreement, versions: [agreement.versions[1], agreement.versions[0]] } });
  });

  it('names what is wrong', () => {
    expect(errorOf(null)).toBe('the agreement is not an object');
    expect(errorOf({ ...agreement, more: 1 })).toBe('the agreement has a field "more" that an agreement does not have');
    expect(errorOf({ ...agreement, caseId: 8 })).toBe('caseId is not the case of the path');
    expect(errorOf({ ...agreement, versions: [agreement.versions[0], agreement.versions[0]] })).toBe('versions names a reader more than once');
    expect(errorOf({ ...agreement, versions: [{ ...agreement.versions[0], segSopInstanceUid: '1.2.x' }] })).toBe('versions[0].segSopInstanceUid is not a DICOM UID');
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 3, segment: null, figures }] })).toBe('pairs[0] pairs a reader with themselves');
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 9, segment: null, figures }] })).toBe('pairs[0].userB is not the user id of a reader assigned to this case');
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 5, segment: null, figures: { ...figures, voxelsA: 1.5 } }] })).toBe('pairs[0].figures.voxelsA is not a whole number');
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 5, segment: null, figures: { ...figures, hdMm: Infinity } }] })).toBe('pairs[0].figures.hdMm is not a finite number');
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 5, segment: null, figures: { ...figures, dice: -0.1 } }] })).toBe('pairs[0].figures.dice is not within 0 to 1');
    const short: Record<string, unknown> = { ...figures };
    delete short.lesionF1;
    expect(errorOf({ ...agreement, pairs: [{ userA: 3, userB: 5, segment: null, figures: short }] })).toBe('pairs[0].figures.lesionF1 is missing');
    expect(errorOf({ ...agreement, form: [{ ...agreement.form[0], agree: 'yes' }] })).toBe('form[0].agree is not true or false');
    expect(errorOf({ ...agreement, reads: [{ ...agreement.reads[0], answers: [] }] })).toBe('reads[0].answers is not an object');
    expect(errorOf({ ...agreement, reads: [{ ...agreement.reads[0], answers: { q: 1 } }] })).toBe('reads[0].answers["q"] is not a string');
    expect(errorOf({ ...agreement, reads: [agreement.reads[0], agreement.reads[0]] })).toBe('reads names a reader more than once');
    expect(errorOf({ ...agreement, computedAt: '2026-13-45T99:00:00Z' })).toBe('computedAt is not an ISO 8601 date and time');
    expect(errorOf({ ...agreement, pairs: new Array(10_001).fill(agreement.pairs[0]) })).toBe('pairs has more than 10000 entries');
  });
});

describe('versions', () => {
  it('compare in any order', () => {
    expect(sameVersions(agreement.versions, canonicalVersions(agreement.versions))).toBe(true);
    expect(sameVersions(agreement.versions, [agreement.versions[0]])).toBe(false);
    expect(sameVersions(agreement.versions, [{ ...agreement.versions[0], srSopInstanceUid: '2.25.1' }, agreement.versions[1]])).toBe(false);
  });
});
