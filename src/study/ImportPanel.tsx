// The admin page's import: DICOM files dropped or picked (a folder with its subfolders too) go to
// the server one file a request, four at a time, where each is de-identified before it is stored
// (server/routes/import.ts); progress in files and MB, then the summary per series (accepted,
// warned, refused with the rule) and per skipped file, and optionally cases of a study.
// A zip archive is opened here (src/import/zipReader.ts, inflated with the browser's
// DecompressionStream) and its entries sent like picked files.
import { useEffect, useRef, useState } from 'react';
import type { ImportFileOutcome, ImportProgress, ImportSummary } from '../model/importApi.ts';
import type { StudySummary } from '../model/api.ts';
import * as studyApi from './studyApi.ts';
import { zipEntries, zipEntryBytes, ZipError } from '../import/zipReader.ts';
import { filesOfDrop } from '../import/droppedFiles.ts';

interface Picked {
  /** a picked file, or an entry of a picked zip archive */
  file: Blob;
  name: string;
}

const inflateRaw = async (compressed: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await new Response(new Blob([compressed as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'))).arrayBuffer());

/** Zip archives among the picked files replaced by their entries; an unreadable one is named with why. */
async function expandZips(picked: Picked[]): Promise<{ files: Picked[]; refused: ImportFileOutcome[] }> {
  const files: Picked[] = [];
  const refused: ImportFileOutcome[] = [];
  for (const p of picked) {
    if (!/\.zip$/i.test(p.name)) {
      files.push(p);
      continue;
    }
    try {
      const zip = new Uint8Array(await p.file.arrayBuffer());
      for (const e of zipEntries(zip)) files.push({ name: `${p.name}/${e.name}`, file: new Blob([(await zipEntryBytes(zip, e, inflateRaw)) as BlobPart]) });
    } catch (err) {
      refused.push({ name: p.name, status: 'skipped', reason: err instanceof ZipError ? err.message : `the archive could not be read: ${String(err)}` });
    }
  }
  return { files, refused };
}

interface Running {
  done: number;
  total: number;
  bytes: number;
  totalBytes: number;
  skipped: number;
}

const IN_FLIGHT = 4;
const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

function namesOf(list: FileList | null): Picked[] {
  return Array.from(list ?? []).map((file) => ({ file, name: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name }));
}

async function runImport(picked: Picked[], studyId: number | null, onProgress: (r: Running) => void): Promise<ImportSummary> {
  const { importId } = await studyApi.api<ImportProgress>('/api/import', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ studyId }) });
  const { files, refused } = await expandZips(picked);
  const running: Running = { done: 0, total: files.length + refused.length, bytes: 0, totalBytes: files.reduce((n, p) => n + p.file.size, 0), skipped: refused.length };
  onProgress({ ...running });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const p = files[next++];
      const outcome = await studyApi.api<ImportFileOutcome>(`/api/import/${importId}/files?name=${encodeURIComponent(p.name)}`, { method: 'PUT', headers: { 'Content-Type': 'application/dicom' }, body: p.file });
      running.done++;
      running.bytes += p.file.size;
      if (outcome.status === 'skipped') running.skipped++;
      onProgress({ ...running });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const summary = await studyApi.api<ImportSummary>(`/api/import/${importId}/finish`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ studyId }) });
  return { ...summary, skippedFiles: [...refused, ...summary.skippedFiles] };
}

function Summary({ summary }: { summary: ImportSummary }) {
  return (
    <div data-testid="import-summary">
      <p role="status">
        {summary.files} files ({mb(summary.bytes)} MB): {summary.stored} stored, {summary.duplicates} already in the archive, {summary.skippedFiles.length} skipped; {summary.patients} patient(s), {summary.series} series.
      </p>
      {summary.seriesResults.length > 0 && (
        <table className="studies" aria-label="Imported series">
          <thead><tr><th>Patient</th><th>Series</th><th>Slices</th><th>Verdict</th><th>Problems</th><th>Case</th></tr></thead>
          <tbody>
            {summary.seriesResults.map((s) => (
              <tr key={s.seriesInstanceUid} data-verdict={s.verdict}>
                <td>{s.patient}</td>
                <td title={s.seriesInstanceUid}>…{s.seriesInstanceUid.slice(-12)}</td>
                <td>{s.slices}{s.extentMm !== null ? ` (${Math.round(s.extentMm)} mm)` : ''}</td>
                <td>{s.verdict}</td>
                <td>{s.problems.map((p) => <div key={p.rule}>{p.severity === 'refuse' ? 'refused' : 'warning'}: {p.message}</div>)}</td>
                <td>{s.caseId ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {summary.skippedFiles.length > 0 && (
        <table className="studies" aria-label="Skipped files">
          <thead><tr><th>File</th><th>Why skipped</th></tr></thead>
          <tbody>
            {summary.skippedFiles.map((f, i) => (
              <tr key={`${f.name}-${i}`}><td>{f.name}</td><td>{f.reason}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function ImportPanel() {
  const [picked, setPicked] = useState<Picked[]>([]);
  const [studies, setStudies] = useState<StudySummary[]>([]);
  const [studyId, setStudyId] = useState<number | null>(null);
  const [running, setRunning] = useState<Running | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [over, setOver] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  useEffect(() => {
    studyApi.fetchStudies().then((r) => setStudies(r.studies), () => setStudies([]));
    // webkitdirectory is not in React's attribute types.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);
  const busy = running !== null && summary === null && error === null;
  const start = () => {
    setSummary(null);
    setError(null);
    runImport(picked, studyId, setRunning).then(
      (s) => {
        setSummary(s);
        setPicked([]);
      },
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <section aria-label="Import">
      <h2>Import CT (de-identified)</h2>
      <p className="muted">
        Each file is de-identified on the server before it is stored (PS3.15 Basic Profile with modified dates and clean descriptors): names, IDs, birth date, institutions and comments go, the patient gets a pseudonym, every UID a new one.
      </p>
      <div
        className={over ? 'drop-zone over' : 'drop-zone'}
        data-testid="import-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          // Dropped folders are walked (droppedFiles.ts); the entries are taken now, read after.
          filesOfDrop(e.dataTransfer).then(setPicked, (err: unknown) => setError(`the dropped files could not be read: ${String(err)}`));
        }}
      >
        Drop DICOM files here, or pick <input type="file" multiple aria-label="Pick files" onChange={(e) => setPicked(namesOf(e.target.files))} /> or a folder <input ref={folderInput} type="file" aria-label="Pick a folder" onChange={(e) => setPicked(namesOf(e.target.files))} />
      </div>
      <div className="inline-form">
        <select aria-label="Add cases to study" value={studyId ?? ''} onChange={(e) => setStudyId(e.target.value ? Number(e.target.value) : null)}>
          <option value="">no study (import only)</option>
          {studies.map((s) => (
            <option key={s.id} value={s.id}>cases of {s.name}</option>
          ))}
        </select>
        <button type="button" disabled={picked.length === 0 || busy} onClick={start}>
          Import {picked.length} file(s) ({mb(picked.reduce((n, p) => n + p.file.size, 0))} MB)
        </button>
      </div>
      {running && !summary && (
        <p role="status" data-testid="import-progress">
          <progress max={running.totalBytes || 1} value={running.bytes} /> {running.done}/{running.total} files, {mb(running.bytes)}/{mb(running.totalBytes)} MB{running.skipped ? `, ${running.skipped} skipped` : ''}
        </p>
      )}
      {error && <p className="error-text" role="alert">{error}</p>}
      {summary && <Summary summary={summary} />}
    </section>
  );
}
