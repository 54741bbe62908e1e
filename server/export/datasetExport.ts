// The research dataset of a reading study (issue 20, "Export"): per complete case the CT as NIfTI
// (HU), each read's latest SEG as stored and as a NIfTI labelmap on the CT's grid, the consensus
// where there is one; reads.csv, lesions.csv (with quant), agreement.csv, README.txt and
// manifest.json (src/export/*). Written incrementally into `files` (datasetManifest.ts).
//
// It reads the database and Orthanc directly, not the gateway's API: the export needs every read
// of every complete case, the consensus and the kept agreements at once, and the lead's queue
// query (server/study/reviewQueue.ts) gives exactly that in one round trip and applies the same
// rule the API applies to a lead (only cases whose assigned readers have all submitted). The same
// function serves the command (scripts/export.ts, which opens the database like scripts/admin.ts)
// and the lead page's download (server/routes/export.ts, on the server's own connection).
import { voxelMl, type CtVolume } from '../../src/quant/ctVolume.ts';
import { ctSeriesFromPart10, QuantInputError } from '../../src/quant/ctFromPart10.ts';
import { measureInvolvement, type Involvement } from '../../src/quant/involvement.ts';
import { lesionBiomarkers, type LesionBiomarkers } from '../../src/quant/lesionBiomarkers.ts';
import { segmentLungs } from '../../src/quant/lungMask.ts';
import { parsePart10, items } from '../../src/dicom/part10Reader.ts';
import { IMPLICIT_VRS, TAG } from '../../src/dicom/dicomDictionary.ts';
import { agreementColumns, agreementCsv, type AgreementCase } from '../../src/export/agreementCsv.ts';
import { IncrementalExport, readManifest, type DatasetFiles, type Deidentification, type ExportOutcome, type ManifestFile } from '../../src/export/datasetManifest.ts';
import { datasetReadme } from '../../src/export/datasetReadme.ts';
import { lesionsColumns, lesionsCsv, type LesionRows } from '../../src/export/lesionsCsv.ts';
import { niftiImage } from '../../src/export/niftiWriter.ts';
import { readsCsv, type ReadRow, type SegmentVolume } from '../../src/export/readsCsv.ts';
import { parseFormSchema, type FormSchema } from '../../src/form/formSchema.ts';
import type { ReadResult } from '../../src/model/read.ts';
import type { Segment } from '../../src/model/segment.ts';
import { isLesionSegment } from '../../src/quant/lesionSegments.ts';
import { fileSlug } from '../../src/review/exportCsv.ts';
import { decodeSeg } from '../../src/seg/segDecoder.ts';
import type { SegDecodeTarget } from '../../src/seg/segModel.ts';
import { decodeSr } from '../../src/sr/srDecoder.ts';
import type { SrAnswer } from '../../src/sr/srModel.ts';
import type { Queryable } from '../db/database.ts';
import { reviewQueue, studyAgreements } from '../study/reviewQueue.ts';
import { getStudy } from '../study/studyStore.ts';
import { instanceFile, seriesFiles } from './orthancFiles.ts';

/** A setting the export cannot run with (no such study); the message is for the user. */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}

export interface ExportOptions {
  studyId: number;
  /** user names instead of R01… pseudonyms */
  realNames?: boolean;
  /** lung masks, involvement, severity score and lesion biomarkers (segmentLungs: ~3 s per 512×512×300 CT) */
  quant?: boolean;
  software: { name: string; version: string; commit: string | null };
  /** gzip of a .nii (node:zlib's gzipSync in Node) */
  gzip: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;
  onProgress?: (message: string) => void;
  now?: () => Date;
}

export interface DatasetOutcome extends ExportOutcome {
  cases: number;
  reads: number;
  /** cases left out, with why (a CT that cannot be decoded) */
  skipped: string[];
}

/**
 * gzip level of the .nii.gz files: level 1 compresses a 256×256×120 CT in 0.27 s to 6.58 MB,
 * level 6 (zlib's default) in 1.3 s to 6.42 MB: CT noise does not compress, so the higher level
 * costs 5× the time for 2 % of the size (labelmaps are mostly zeros at any level).
 */
export const GZIP_LEVEL = 1;

const NOT_DEIDENTIFIED = 'not de-identified by this software';

// The CT header attributes the export reads beyond the grid: the patient pseudonym and how the
// images were de-identified (PS3.3 C.7.1.1, Patient Identity Removed and De-identification Method).
const T = {
  PatientID: 0x00100020,
  PatientIdentityRemoved: 0x00120062,
  DeidentificationMethod: 0x00120063,
  DeidentificationMethodCodeSequence: 0x00120064,
  FrameOfReferenceUID: 0x00200052,
} as const;
const HEADER_VRS: ReadonlyMap<number, string> = new Map([
  ...IMPLICIT_VRS,
  [T.PatientID, 'LO'],
  [T.PatientIdentityRemoved, 'CS'],
  [T.DeidentificationMethod, 'LO'],
  [T.DeidentificationMethodCodeSequence, 'SQ'],
  [T.FrameOfReferenceUID, 'UI'],
]);

interface CtHeader {
  patientId: string | null;
  frameOfReferenceUid: string;
  deidentification: Deidentification;
}

function ctHeader(bytes: Uint8Array): CtHeader {
  const { reader, ds } = parsePart10(bytes, { implicitVrs: HEADER_VRS, objectName: 'CT image', encapsulated: true, allowMissingFileMeta: true });
  const removed = (reader.string(ds, T.PatientIdentityRemoved) ?? '').toUpperCase() === 'YES';
  const method = reader.string(ds, T.DeidentificationMethod);
  const codes = items(ds, T.DeidentificationMethodCodeSequence).map((item) => `${reader.string(item, TAG.CodingSchemeDesignator) ?? ''}:${reader.string(item, TAG.CodeValue) ?? ''} ${reader.string(item, TAG.CodeMeaning) ?? ''}`.trim());
  return {
    patientId: reader.string(ds, T.PatientID) || null,
    frameOfReferenceUid: reader.string(ds, T.FrameOfReferenceUID) ?? '',
    deidentification: { patientIdentityRemoved: removed, method: method || (codes.length > 0 ? codes.join('; ') : NOT_DEIDENTIFIED), codes },
  };
}

/** The SOP Instance UID of the latest object of `kind` among results (latest stored series, last SOP). */
function latestSop(results: readonly ReadResult[] | null, kind: ReadResult['kind']): string | null {
  const series = (results ?? []).filter((r) => r.kind === kind && r.sopInstanceUids.length > 0).sort((a, b) => (a.storedAt < b.storedAt ? -1 : a.storedAt > b.storedAt ? 1 : 0));
  const last = series.at(-1);
  return last ? last.sopInstanceUids[last.sopInstanceUids.length - 1] : null;
}

function pseudonym(prefix: string, n: number, total: number): string {
  return `${prefix}${String(n + 1).padStart(Math.max(2, String(total).length), '0')}`;
}

interface DecodedRead {
  segments: SegmentVolume[] | null;
  /** the labelmap with Segment Numbers as values, and the segment of each */
  labels: Uint8Array | null;
  lesionValues: number[];
  labelInfo: ManifestFile['labels'];
  problem: string | null;
}

/** The SEG on the CT grid with the file's Segment Numbers as values (the decoder numbers them 1..N in order). */
function decodeOnCt(bytes: Uint8Array, target: SegDecodeTarget, ct: CtVolume): DecodedRead {
  const decoded = decodeSeg(bytes, target);
  const toNumber = new Uint8Array(256);
  decoded.segmentNumbers.forEach((num, n) => (toNumber[n + 1] = num <= 255 ? num : 0));
  const labels = decoded.labels;
  const counts = new Float64Array(256);
  for (let n = 0; n < labels.length; n++) {
    const v = toNumber[labels[n]];
    labels[n] = v;
    counts[v]++;
  }
  const ml = voxelMl(ct.spacing);
  const segs = decoded.segments.map((s: Segment, n) => ({ s, number: decoded.segmentNumbers[n] }));
  return {
    labels,
    segments: segs.map(({ s, number }) => ({ label: s.label, volumeMl: counts[number] * ml, lesion: isLesionSegment(s) })),
    lesionValues: segs.filter(({ s }) => isLesionSegment(s)).map(({ number }) => number),
    labelInfo: segs.map(({ s, number }) => ({ value: number, label: s.label, category: `${s.category.scheme}:${s.category.value} ${s.category.meaning}`, type: `${s.type.scheme}:${s.type.value} ${s.type.meaning}` })),
    problem: decoded.warnings.filter((w) => !/slices missing from the open CT series/.test(w)).join('; ') || null,
  };
}

function studySegmentLabels(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((s: unknown) => (s && typeof s === 'object' && typeof (s as { label?: unknown }).label === 'string' ? (s as { label: string }).label : null)).filter((l): l is string => l !== null);
}

function formSchemaOf(json: unknown): FormSchema | null {
  try {
    return parseFormSchema(json);
  } catch {
    return null;
  }
}

export async function exportDataset(db: Queryable, orthancUrl: string, files: DatasetFiles, opts: ExportOptions): Promise<DatasetOutcome> {
  const progress = opts.onProgress ?? (() => {});
  const study = await getStudy(db, opts.studyId);
  if (!study) throw new ExportError(`there is no study with id ${opts.studyId}`);
  const cases = await reviewQueue(db, { studyId: study.id, readerId: null, states: null, sort: [{ key: 'label', reversed: false }] });
  progress(`study ${study.id} "${study.name}": ${cases.length} complete case(s)`);

  // Pseudonyms by user id over the whole study, so that R01 is the same reader in every case and
  // in every later export (a new case does not renumber anyone who was already assigned).
  const readerIds = (await db.query<{ user_id: number; username: string }>(
    `SELECT DISTINCT a.user_id, u.username FROM assignments a JOIN cases c ON c.id = a.case_id JOIN users u ON u.id = a.user_id WHERE c.study_id = $1 ORDER BY a.user_id`,
    [study.id],
  )).rows;
  const consensusAuthors = (await db.query<{ sop_instance_uid: string; user_id: number; username: string }>(
    `SELECT r.sop_instance_uid, r.user_id, u.username FROM results r JOIN cases c ON c.id = r.case_id JOIN users u ON u.id = r.user_id WHERE c.study_id = $1 AND r.consensus`,
    [study.id],
  )).rows;
  const names = new Map<number, string>();
  readerIds.forEach((r, n) => names.set(r.user_id, opts.realNames ? r.username : pseudonym('R', n, readerIds.length)));
  const leads = [...new Map(consensusAuthors.map((r) => [r.user_id, r.username])).entries()].sort(([a], [b]) => a - b);
  leads.forEach(([id, username], n) => {
    if (!names.has(id)) names.set(id, opts.realNames ? username : pseudonym('L', n, leads.length));
  });
  const authorOf = new Map(consensusAuthors.map((r) => [r.sop_instance_uid, r.user_id]));
  const nameOf = (userId: number) => names.get(userId) ?? `user-${userId}`;

  const out = new IncrementalExport(files, await readManifest(files));
  const rows: ReadRow[] = [];
  const lesionRows: LesionRows[] = [];
  const deidentification: Record<string, Deidentification> = {};
  const pseudonymOf = new Map<number, string>();
  const usedFolders = new Set<string>();
  const skipped: string[] = [];
  const gzip = opts.gzip;

  // The next case's CT is fetched while this one is converted and gzipped: the archive's answer
  // time and the CPU work overlap (measured: ~0.7 s of fetching per 120-slice CT).
  const fetchCt = (n: number): Promise<Uint8Array[]> | null => {
    if (n >= cases.length) return null;
    const p = seriesFiles(orthancUrl, cases[n].seriesInstanceUid);
    p.catch(() => {}); // awaited in its turn; this only keeps an early end from leaving it unhandled
    return p;
  };
  let nextCt = fetchCt(0);
  for (const [index, c] of cases.entries()) {
    const step = (what: string) => progress(`case ${index + 1}/${cases.length} ${c.label}: ${what}`);
    step('CT');
    const ctFiles = await nextCt!;
    nextCt = fetchCt(index + 1);
    let series;
    let header: CtHeader;
    try {
      series = ctSeriesFromPart10(ctFiles);
      header = ctHeader(ctFiles[0]);
    } catch (err) {
      const why = err instanceof QuantInputError || err instanceof Error ? err.message : String(err);
      skipped.push(`${c.label}: the CT cannot be exported (${why})`);
      step(`skipped: ${why}`);
      continue;
    }
    const { ct } = series;
    let name = header.deidentification.patientIdentityRemoved && header.patientId ? header.patientId : c.label;
    let folder = fileSlug(name);
    if (usedFolders.has(folder)) {
      // A second series of one patient: its own folder, named by the case too.
      name = `${name}_${c.label}`;
      folder = fileSlug(name);
    }
    usedFolders.add(folder);
    pseudonymOf.set(c.caseId, name);
    deidentification[name] = header.deidentification;
    const dir = `cases/${folder}`;
    await out.put({ path: `${dir}/ct.nii.gz`, kind: 'ct-nifti', case: name, description: `CT of case ${name}, int16 HU, ${ct.dims.join('x')} voxels of ${ct.spacing.map((s) => +s.toFixed(4)).join('x')} mm` }, niftiImage(ct.hu, ct, { description: `CT ${name} HU` }), gzip);

    const target: SegDecodeTarget = { grid: ct, slices: series.slices.map((s) => (s ? { sopInstanceUid: s.sopInstanceUid } : null)), seriesInstanceUid: c.seriesInstanceUid, frameOfReferenceUid: header.frameOfReferenceUid };
    let lungs: Uint8Array | null = null;
    if (opts.quant) {
      step('lung masks');
      lungs = segmentLungs(ct).labels;
    }

    const reads: Array<{ reader: string; consensus: boolean; segSop: string | null; srSop: string | null; openedAt: string | null; submittedAt: string | null; readingTimeS: number | null }> = [];
    for (const r of c.reads) {
      const v = c.versions.find((x) => x.userId === r.userId);
      reads.push({ reader: nameOf(r.userId), consensus: false, segSop: v?.segSopInstanceUid ?? null, srSop: v?.srSopInstanceUid ?? null, openedAt: r.openedAt ?? null, submittedAt: r.submittedAt ?? null, readingTimeS: r.readingTimeS ?? null });
    }
    const consensusSeg = latestSop(c.consensus, 'seg');
    const consensusSr = latestSop(c.consensus, 'sr');
    if (consensusSeg || consensusSr) {
      const author = authorOf.get((consensusSeg ?? consensusSr)!);
      const storedAt = (c.consensus ?? []).map((x) => x.storedAt).sort().at(-1) ?? null;
      reads.push({ reader: author !== undefined ? nameOf(author) : 'lead', consensus: true, segSop: consensusSeg, srSop: consensusSr, openedAt: null, submittedAt: storedAt, readingTimeS: null });
    }

    for (const read of reads) {
      step(read.consensus ? 'consensus' : `read ${read.reader}`);
      const base = read.consensus ? `${dir}/consensus` : `${dir}/reads/${fileSlug(read.reader)}`;
      const row: ReadRow = { case: name, caseLabel: c.label, reader: read.reader, consensus: read.consensus, openedAt: read.openedAt, submittedAt: read.submittedAt, readingTimeS: read.readingTimeS, segments: null, answers: null, involvement: null, segFile: null, problem: null };
      const problems: string[] = [];
      if (read.srSop) {
        try {
          const sr = await instanceFile(orthancUrl, read.srSop);
          if (sr) row.answers = decodeSr(sr).answers as SrAnswer[];
          else problems.push('the read form (SR) is not on the archive');
        } catch (err) {
          problems.push(`the read form (SR) cannot be read: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (read.segSop) {
        const seg = await instanceFile(orthancUrl, read.segSop);
        if (!seg) problems.push('the segmentation is not on the archive');
        else {
          const kindSeg = read.consensus ? 'consensus-seg-dicom' : 'read-seg-dicom';
          const kindNii = read.consensus ? 'consensus-seg-nifti' : 'read-seg-nifti';
          await out.put({ path: `${base}.seg.dcm`, kind: kindSeg, case: name, reader: read.reader, sopInstanceUid: read.segSop, description: `${read.consensus ? 'Consensus' : 'Read'} segmentation (DICOM-SEG as stored) of case ${name} by ${read.reader}` }, seg);
          row.segFile = `${base}.seg.dcm`;
          try {
            const decoded = decodeOnCt(seg, target, ct);
            row.segments = decoded.segments;
            if (decoded.problem) problems.push(decoded.problem);
            await out.put(
              { path: `${base}.labels.nii.gz`, kind: kindNii, case: name, reader: read.reader, sopInstanceUid: read.segSop, labels: decoded.labelInfo, description: `The same segmentation as a uint8 labelmap on the CT grid, value = Segment Number` },
              niftiImage(decoded.labels!, ct, { description: `SEG ${read.reader} ${name}`, intentName: 'labels' }),
              gzip,
            );
            if (lungs && decoded.labels) {
              row.involvement = measureInvolvement(lungs, decoded.labels, decoded.lesionValues, ct.dims, ct.spacing, ct.direction) as Involvement;
              const lesion = new Uint8Array(decoded.labels.length);
              const isLesion = new Uint8Array(256);
              for (const v of decoded.lesionValues) isLesion[v] = 1;
              for (let n = 0; n < lesion.length; n++) lesion[n] = isLesion[decoded.labels[n]];
              const biomarkers: LesionBiomarkers[] = lesionBiomarkers(ct, lesion, lungs);
              lesionRows.push({ case: name, reader: read.reader, consensus: read.consensus, lesions: biomarkers });
            }
          } catch (err) {
            problems.push(`the segmentation does not decode on the CT: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
      row.problem = problems.join('; ') || null;
      rows.push(row);
    }
  }

  const schema = formSchemaOf(study.formSchema);
  const segmentLabels = studySegmentLabels(study.segmentList);
  const reads = readsCsv(rows, schema, segmentLabels);
  const enc = new TextEncoder();
  await out.put({ path: 'reads.csv', kind: 'reads-csv', description: 'One row per read: case, reader, form answers as codes, volumes, scores, reading time' }, enc.encode(reads.csv));
  const tables = [{ file: 'reads.csv', about: 'one row per read (each reader\'s latest result of a complete case, and the consensus).', columns: reads.columns }];
  if (opts.quant) {
    await out.put({ path: 'lesions.csv', kind: 'lesions-csv', description: 'One row per lesion of each read, with its biomarkers' }, enc.encode(lesionsCsv(lesionRows)));
    tables.push({ file: 'lesions.csv', about: 'one row per lesion (3D 26-connected component of a read\'s lesion segments).', columns: lesionsColumns() });
  }
  const agreements: AgreementCase[] = (await studyAgreements(db, study.id)).filter((a) => pseudonymOf.has(a.caseId)).map((a) => ({ case: pseudonymOf.get(a.caseId)!, agreement: a.agreement }));
  if (agreements.length > 0) {
    await out.put({ path: 'agreement.csv', kind: 'agreement-csv', description: 'The readers\' agreement per case, reader pair and segment, as the leads\' reviews kept it' }, enc.encode(agreementCsv(agreements, nameOf)));
    tables.push({ file: 'agreement.csv', about: 'one row per case, reader pair and segment: the agreement a lead\'s review kept for the reads\' current versions.', columns: agreementColumns() });
  }
  const software = `${opts.software.name} ${opts.software.version}${opts.software.commit ? ` (${opts.software.commit.slice(0, 12)})` : ''}`;
  await out.put({ path: 'README.txt', kind: 'readme', description: 'What the files and columns are' }, enc.encode(datasetReadme({ studyName: study.name, software, tables })));

  const outcome = await out.finish(
    {
      software: opts.software,
      study: { id: study.id, name: study.name },
      options: { realNames: !!opts.realNames, quant: !!opts.quant },
      formSchema: study.formSchema,
      segmentList: study.segmentList,
      deidentification,
    },
    (opts.now ?? (() => new Date()))(),
  );
  progress(`${outcome.written.length} file(s) written, ${outcome.unchanged} unchanged${outcome.removed.length ? `, ${outcome.removed.length} removed` : ''}`);
  return { ...outcome, cases: cases.length - skipped.length, reads: rows.length, skipped };
}

