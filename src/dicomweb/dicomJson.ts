// Reading values out of the DICOM JSON model (PS3.18 F.2) that QIDO-RS and WADO-RS metadata return.

export type DicomJsonValue = string | number | { Alphabetic?: string; Ideographic?: string; Phonetic?: string } | Record<string, unknown>;
export interface DicomJsonElement {
  vr: string;
  Value?: DicomJsonValue[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
export type DicomJsonDataset = Record<string, DicomJsonElement | undefined>;

export function values(ds: DicomJsonDataset, tag: string): DicomJsonValue[] {
  return ds[tag]?.Value ?? [];
}

export function getString(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = values(ds, tag)[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return personNameToString(v as { Alphabetic?: string });
  return String(v);
}

export function getNumber(ds: DicomJsonDataset, tag: string): number | undefined {
  const v = values(ds, tag)[0];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

export function getNumbers(ds: DicomJsonDataset, tag: string): number[] | undefined {
  const vs = values(ds, tag);
  if (vs.length === 0) return undefined;
  const ns = vs.map((v) => (typeof v === 'number' ? v : Number(v)));
  return ns.every(Number.isFinite) ? ns : undefined;
}

/**
 * PN in DICOM JSON is {Alphabetic: "Family^Given^Middle^Prefix^Suffix", Ideographic, Phonetic}
 * (PS3.18 F.2.2). One group shows as "Family, Given Middle"; several groups are shown joined with
 * "=" as they were stored, so nothing the archive holds is hidden from the reader.
 */
export function personNameToString(pn: { Alphabetic?: string; Ideographic?: string; Phonetic?: string } | undefined): string {
  if (pn?.Ideographic || pn?.Phonetic) {
    return [pn.Alphabetic ?? '', pn.Ideographic ?? '', pn.Phonetic ?? ''].join('=').replace(/=+$/, '');
  }
  const raw = pn?.Alphabetic ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = raw.split('^');
  const rest = [prefix, given, middle].filter(Boolean).join(' ');
  const name = [family, rest].filter(Boolean).join(', ');
  return suffix ? `${name} ${suffix}` : name;
}

/** DICOM DA (YYYYMMDD) to ISO date (YYYY-MM-DD); anything else is shown as it came. */
export function formatDicomDate(da: string | undefined): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}
