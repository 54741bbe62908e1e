// manifest.json of a research dataset export, and the incremental rule that keeps a re-export
// cheap and honest: every file's content is made first and hashed, and the file is written only
// when that hash differs from the one the previous manifest lists for its path (or the file is
// gone or has another size). A second export of an unchanged study writes nothing, not even the
// manifest (its exportedAt stays that of the last export that changed something).
//
// Pure: the folder (or a zip, or memory) is behind DatasetFiles, hashing is Web Crypto's SHA-256
// (globalThis.crypto.subtle: in browsers and in Node ≥ 19), and gzip is the caller's `encode`.

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_FORMAT = 'ctaw-research-dataset/1';

export type DatasetFileKind =
  | 'ct-nifti'
  | 'read-seg-dicom'
  | 'read-seg-nifti'
  | 'consensus-seg-dicom'
  | 'consensus-seg-nifti'
  | 'reads-csv'
  | 'lesions-csv'
  | 'agreement-csv'
  | 'readme';

export interface ManifestFile {
  path: string;
  kind: DatasetFileKind;
  /** what the file is, for a person */
  description: string;
  /** size of the file as written, bytes */
  bytes: number;
  /** SHA-256 (hex) of the file as written */
  sha256: string;
  /** SHA-256 of the content before encoding (a .nii.gz's uncompressed .nii); absent when not encoded */
  contentSha256?: string;
  /** the case pseudonym (the folder under cases/) the file belongs to */
  case?: string;
  /** the reader pseudonym of a read's file */
  reader?: string;
  /** the DICOM SOP Instance UID a SEG file is, or a NIfTI labelmap was decoded from */
  sopInstanceUid?: string;
  /** a labelmap's values: Segment Number → segment */
  labels?: Array<{ value: number; label: string; category: string; type: string }>;
}

export interface Deidentification {
  /** Patient Identity Removed (0012,0062) of the CT */
  patientIdentityRemoved: boolean;
  /** De-identification Method (0012,0063), or "not de-identified by this software" */
  method: string;
  /** De-identification Method Code Sequence (0012,0064): "scheme:value meaning" each */
  codes: string[];
}

export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT;
  /** when the last export that changed a file ran (ISO 8601) */
  exportedAt: string;
  software: { name: string; version: string; commit: string | null };
  study: { id: number; name: string };
  options: { realNames: boolean; quant: boolean };
  /** the study's form schema and segment list, as stored with the study */
  formSchema: unknown;
  segmentList: unknown;
  /** per case pseudonym: how its CT was de-identified, read from its DICOM header */
  deidentification: Record<string, Deidentification>;
  /** every file of the dataset but this manifest, by path */
  files: ManifestFile[];
}

/** The folder (or archive) the dataset is written to; paths use "/". */
export interface DatasetFiles {
  /** size in bytes of the file at path, or null when there is none */
  size(path: string): Promise<number | null>;
  read(path: string): Promise<Uint8Array | null>;
  write(path: string, bytes: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The previous export's manifest, or null when there is none or it is not one of ours. */
export async function readManifest(files: DatasetFiles): Promise<DatasetManifest | null> {
  const bytes = await files.read(MANIFEST_PATH);
  if (!bytes) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as DatasetManifest;
    return parsed && parsed.format === MANIFEST_FORMAT && Array.isArray(parsed.files) ? parsed : null;
  } catch {
    return null;
  }
}

export type FileEntry = Omit<ManifestFile, 'bytes' | 'sha256' | 'contentSha256'>;

export interface ExportOutcome {
  manifest: DatasetManifest;
  /** paths written this time (the manifest included when it changed) */
  written: string[];
  unchanged: number;
  /** paths listed by the previous manifest that this export no longer has, removed */
  removed: string[];
}

/** Collects a dataset's files against the previous manifest; see the file's rule. */
export class IncrementalExport {
  private readonly previous: Map<string, ManifestFile>;
  private readonly entries = new Map<string, ManifestFile>();
  readonly written: string[] = [];
  unchanged = 0;

  constructor(
    private readonly files: DatasetFiles,
    private readonly previousManifest: DatasetManifest | null,
  ) {
    this.previous = new Map((previousManifest?.files ?? []).map((f) => [f.path, f]));
  }

  /**
   * Adds one file of `content`; `encode` (gzip) turns it into the bytes written, and runs only
   * when the content changed. Returns whether the file was written.
   */
  async put(entry: FileEntry, content: Uint8Array, encode?: (content: Uint8Array) => Uint8Array | Promise<Uint8Array>): Promise<boolean> {
    if (entry.path === MANIFEST_PATH || this.entries.has(entry.path)) throw new Error(`export: ${entry.path} is listed twice`);
    const contentSha256 = await sha256Hex(content);
    const before = this.previous.get(entry.path);
    const beforeContent = before ? (before.contentSha256 ?? before.sha256) : null;
    if (before && beforeContent === contentSha256 && (before.contentSha256 !== undefined) === (encode !== undefined) && (await this.files.size(entry.path)) === before.bytes) {
      this.entries.set(entry.path, { ...entry, bytes: before.bytes, sha256: before.sha256, ...(encode ? { contentSha256 } : {}) });
      this.unchanged++;
      return false;
    }
    const bytes = encode ? await encode(content) : content;
    const sha256 = encode ? await sha256Hex(bytes) : contentSha256;
    await this.files.write(entry.path, bytes);
    this.written.push(entry.path);
    this.entries.set(entry.path, { ...entry, bytes: bytes.length, sha256, ...(encode ? { contentSha256 } : {}) });
    return true;
  }

  /** Removes what the previous export had and this one does not, and writes the manifest if it changed. */
  async finish(meta: Omit<DatasetManifest, 'format' | 'exportedAt' | 'files'>, now: Date): Promise<ExportOutcome> {
    const removed: string[] = [];
    for (const path of this.previous.keys()) {
      if (this.entries.has(path)) continue;
      await this.files.remove(path);
      removed.push(path);
    }
    const files = [...this.entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const body = { format: MANIFEST_FORMAT, ...meta, files } as const;
    const previous = this.previousManifest;
    const same = previous !== null && stableJson({ ...previous, exportedAt: '' }) === stableJson({ ...body, exportedAt: '' });
    const manifest: DatasetManifest = { ...body, format: MANIFEST_FORMAT, exportedAt: same ? previous.exportedAt : now.toISOString() };
    if (!same || (await this.files.size(MANIFEST_PATH)) === null) {
      await this.files.write(MANIFEST_PATH, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
      this.written.push(MANIFEST_PATH);
    }
    return { manifest, written: [...this.written], unchanged: this.unchanged, removed };
  }
}

/** JSON with object keys sorted, so that two manifests compare by content, not key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}
