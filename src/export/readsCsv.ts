// reads.csv of the research export: one row per read (each assigned reader's latest result of a
// complete case, and the case's consensus where there is one). Form answers are written as coded
// values, not as the screen's text: a choice as its code value, coding scheme and meaning, a
// number with its UCUM unit, a text as written. Columns come from the study's form schema (every
// item, in form order, answered or not) so that the file's columns do not depend on who answered
// what; answers to items the schema does not list (an older schema) follow, by item id.
// Volumes are voxel counts × voxel volume on the CT's grid, as the segment statistics show them.
import { csvLine } from '../review/exportCsv.ts';
import type { FormSchema } from '../form/formSchema.ts';
import type { Involvement } from '../quant/involvement.ts';
import type { SrAnswer } from '../sr/srModel.ts';

export interface SegmentVolume {
  /** the segment's label as the read's SEG names it */
  label: string;
  volumeMl: number;
  /** whether it counts as lesion (every segment but lung or lobe anatomy) */
  lesion: boolean;
}

export interface ReadRow {
  /** the case pseudonym (the folder under cases/) */
  case: string;
  caseLabel: string;
  /** R01…, or the reader's user name with real names; the lead's for a consensus */
  reader: string;
  consensus: boolean;
  openedAt: string | null;
  submittedAt: string | null;
  readingTimeS: number | null;
  /** null: the read has no SEG (form only) */
  segments: SegmentVolume[] | null;
  answers: SrAnswer[] | null;
  /** null when --quant is off or the lungs could not be measured */
  involvement: Involvement | null;
  segFile: string | null;
  /** what is wrong with the read (an SR or SEG that did not decode), else null */
  problem: string | null;
}

type FormColumn = { itemId: string; kind: 'code' | 'num' | 'text' };

/** A segment label as a column name part: lower case letters, digits and underscores. */
export function columnSlug(label: string): string {
  return (
    label
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'segment'
  );
}

function formColumns(schema: FormSchema | null, rows: readonly ReadRow[]): FormColumn[] {
  const out: FormColumn[] = [];
  const seen = new Set<string>();
  for (const section of schema?.sections ?? []) {
    for (const item of section.items) {
      out.push({ itemId: item.id, kind: item.type === 'choice' ? 'code' : item.type === 'text' ? 'text' : 'num' });
      seen.add(item.id);
    }
  }
  const extra = new Map<string, FormColumn['kind']>();
  for (const r of rows) for (const a of r.answers ?? []) if (!seen.has(a.itemId) && !extra.has(a.itemId)) extra.set(a.itemId, a.kind);
  for (const [itemId, kind] of [...extra].sort(([a], [b]) => (a < b ? -1 : 1))) out.push({ itemId, kind });
  return out;
}

/** The segment labels of the volume columns: the study's list first, then any other a read has. */
function segmentColumns(studySegments: readonly string[], rows: readonly ReadRow[]): string[] {
  const out = [...studySegments];
  const extra = new Set<string>();
  for (const r of rows) for (const s of r.segments ?? []) if (!out.includes(s.label)) extra.add(s.label);
  return [...out, ...[...extra].sort()];
}

export interface ReadsTable {
  csv: string;
  /** column → what it holds, for README.txt */
  columns: Array<[string, string]>;
}

const round = (x: number | null | undefined, digits = 6): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

/** reads.csv (RFC 4180, CRLF) and its column definitions. Rows are sorted by case, then consensus last, then reader. */
export function readsCsv(rows: readonly ReadRow[], schema: FormSchema | null, studySegments: readonly string[]): ReadsTable {
  const form = formColumns(schema, rows);
  const segments = segmentColumns(studySegments, rows);
  const columns: Array<[string, string]> = [
    ['case', 'Case pseudonym: the de-identified Patient ID of the CT when its header says Patient Identity Removed, else the case label; also the folder cases/<case>/.'],
    ['case_label', 'The case label readers saw on their worklist.'],
    ['reader', 'Reader pseudonym (R01, R02, … by user id over the study\'s readers; L01… for leads who made a consensus), or the user name when exported with --real-names.'],
    ['consensus', '1 for the case\'s consensus read (a lead\'s result stored for a complete case), 0 for a reader\'s read.'],
    ['opened_at', 'When the reader first opened the case (ISO 8601, UTC); empty when not recorded.'],
    ['submitted_at', 'When the read\'s latest result was stored (ISO 8601, UTC).'],
    ['reading_time_s', 'Seconds from first opening the case to the first result stored; empty when the open was not recorded.'],
    ['seg_file', 'The read\'s DICOM-SEG in this dataset; empty when the read has no segmentation (form only).'],
    ['lesion_volume_ml', 'Sum of the volumes of every lesion segment (all segments but lung and lobe anatomy), mL; empty without a SEG.'],
    ...segments.map((label): [string, string] => [`volume_ml_${columnSlug(label)}`, `Volume of the segment "${label}", mL (voxels × voxel volume on the CT grid); 0 when the read has the segment but did not paint it, empty when the read has no such segment.`]),
    ['lung_right_ml', 'Volume of the automatic right lung mask (src/quant/lungMask.ts), mL; only with --quant.'],
    ['lung_left_ml', 'Volume of the automatic left lung mask, mL; only with --quant.'],
    ['involvement_pct_total', 'Lesion voxels inside the lung masks as % of the lung volume, both lungs (src/quant/involvement.ts); only with --quant.'],
    ['involvement_pct_right', 'The same for the right lung; only with --quant.'],
    ['involvement_pct_left', 'The same for the left lung; only with --quant.'],
    ['outside_lung_ml', 'Lesion volume outside both lung masks (in no %), mL; only with --quant.'],
    ['severity_score_6zone', 'CT severity score 0–30: the sum of the 0–5 band scores of the six zones (upper, middle, lower third of each lung); only with --quant.'],
  ];
  for (const f of form) {
    if (f.kind === 'code') {
      columns.push([f.itemId, `Form item "${f.itemId}": the code value of the answer; empty when not answered.`]);
      columns.push([`${f.itemId}_scheme`, `Form item "${f.itemId}": the answer's coding scheme designator (SCT = SNOMED CT, DCM = DICOM, 99… = private).`]);
      columns.push([`${f.itemId}_meaning`, `Form item "${f.itemId}": the answer's code meaning.`]);
    } else if (f.kind === 'num') {
      columns.push([f.itemId, `Form item "${f.itemId}": the number answered.`]);
      columns.push([`${f.itemId}_unit`, `Form item "${f.itemId}": its UCUM unit (1 for a count or score).`]);
    } else {
      columns.push([f.itemId, `Form item "${f.itemId}": the text answered.`]);
    }
  }
  columns.push(['problem', 'What could not be read of this read (an SR or SEG that does not decode on the CT); empty when all was read.']);

  const sorted = [...rows].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0) || Number(a.consensus) - Number(b.consensus) || (a.reader < b.reader ? -1 : a.reader > b.reader ? 1 : 0));
  const lines = [csvLine(columns.map(([name]) => name))];
  for (const r of sorted) {
    const byLabel = new Map<string, number>();
    for (const s of r.segments ?? []) byLabel.set(s.label, (byLabel.get(s.label) ?? 0) + s.volumeMl);
    const lesionMl = r.segments ? r.segments.filter((s) => s.lesion).reduce((sum, s) => sum + s.volumeMl, 0) : null;
    const inv = r.involvement;
    const fields: Array<string | number | null> = [
      r.case,
      r.caseLabel,
      r.reader,
      r.consensus ? 1 : 0,
      r.openedAt,
      r.submittedAt,
      round(r.readingTimeS, 3),
      r.segFile,
      round(lesionMl),
      ...segments.map((label) => (byLabel.has(label) ? round(byLabel.get(label)!) : null)),
      round(inv?.lungs.right_ml),
      round(inv?.lungs.left_ml),
      round(inv?.involvement_pct.total),
      round(inv?.involvement_pct.right),
      round(inv?.involvement_pct.left),
      round(inv?.outside_lung_ml),
      inv ? inv.severity_score_6zone : null,
    ];
    for (const f of form) {
      const a = r.answers?.find((x) => x.itemId === f.itemId);
      if (f.kind === 'code') fields.push(a?.kind === 'code' ? a.value.value : null, a?.kind === 'code' ? a.value.scheme : null, a?.kind === 'code' ? a.value.meaning : null);
      else if (f.kind === 'num') fields.push(a?.kind === 'num' ? a.value : null, a?.kind === 'num' ? a.unit.code : null);
      else fields.push(a?.kind === 'text' ? a.value : a ? String(a.kind === 'code' ? a.value.value : a.value) : null);
    }
    fields.push(r.problem);
    lines.push(csvLine(fields));
  }
  return { csv: lines.join('\r\n') + '\r\n', columns };
}
