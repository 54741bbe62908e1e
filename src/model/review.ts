// A lead's review of a case whose assigned reads are all in: how much the readers agree (computed
// in the lead's browser, in a worker, and kept by the server with the versions of the reads it
// came from), the review's state, and the consensus read that settles it.

/** to_review: every assigned read is in; in_review: a lead opened its review; adjudicated: a consensus read is stored. */
export const REVIEW_STATES = ['to_review', 'in_review', 'adjudicated'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** Which read results a figure came from: the latest SEG and SR of each reader (null: none). */
export interface ReadVersion {
  userId: number;
  segSopInstanceUid: string | null;
  srSopInstanceUid: string | null;
}

/** The agreement of two masks (src/metrics/pairAgreement.ts gives them; null distances: a mask is empty). */
export interface PairFigures {
  dice: number;
  jaccard: number;
  voxelsA: number;
  voxelsB: number;
  volumeAMl: number;
  volumeBMl: number;
  /** A − B */
  volumeDiffMl: number;
  /** 100 · (A − B) / mean(A, B); null when both are empty */
  volumeDiffPct: number | null;
  hdMm: number | null;
  hd95Mm: number | null;
  msdMm: number | null;
  lesionsA: number;
  lesionsB: number;
  matchedA: number;
  matchedB: number;
  /** components of A with no overlap in B */
  missed: number;
  /** components of B with no overlap in A */
  extra: number;
  lesionF1: number;
}

/** One pair of readers on one segment (its label), or on all lesion segments merged (segment null). */
export interface PairAgreement {
  userA: number;
  userB: number;
  segment: string | null;
  figures: PairFigures;
}

/** One form item across the readers: each reader's answer (as text), and whether they all agree. */
export interface FormItemAgreement {
  itemId: string;
  label: string;
  answers: Array<{ userId: number; answer: string | null }>;
  agree: boolean;
}

/** What each read itself measured (for the study statistics). */
export interface ReadFigures {
  userId: number;
  lesionVolumeMl: number;
  /** the CT severity score of the read, where the quantification exists; else null */
  severityScore: number | null;
  /** the form's answers by item id, as text (null: not answered) */
  answers: Record<string, string | null>;
  /** from opening the case to the first submit, in seconds; null when unknown */
  readingTimeS: number | null;
}

export interface CaseAgreement {
  caseId: number;
  versions: ReadVersion[];
  pairs: PairAgreement[];
  form: FormItemAgreement[];
  reads: ReadFigures[];
  computedAt: string;
}

/** The queue's summary of a case's agreement: worst pair first. */
export interface DisagreementSummary {
  lowestDice: number;
  largestVolumeDiffMl: number;
  largestVolumeDiffPct: number | null;
  formItemsDiffering: number;
}

/** Reduces a case's agreement to the queue's figures (all lesion segments merged). */
export function summarize(agreement: Pick<CaseAgreement, 'pairs' | 'form'>): DisagreementSummary {
  const merged = agreement.pairs.filter((p) => p.segment === null).map((p) => p.figures);
  const pct = merged.map((f) => f.volumeDiffPct).filter((v): v is number => v !== null).map(Math.abs);
  return {
    lowestDice: merged.length ? Math.min(...merged.map((f) => f.dice)) : 1,
    largestVolumeDiffMl: merged.length ? Math.max(...merged.map((f) => Math.abs(f.volumeDiffMl))) : 0,
    largestVolumeDiffPct: pct.length ? Math.max(...pct) : null,
    formItemsDiffering: agreement.form.filter((f) => !f.agree).length,
  };
}
