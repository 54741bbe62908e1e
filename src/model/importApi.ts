// The wire types of the de-identified import (/api/import/*), shared by the server
// (server/import/importer.ts, server/routes/import.ts) and the admin page's import panel.

export interface ImportFileOutcome {
  /** The file's name as the client sent it (shown to the admin; never logged). */
  name: string;
  status: 'stored' | 'duplicate' | 'skipped';
  reason?: string;
  sopInstanceUid?: string;
  seriesInstanceUid?: string;
}

export interface ImportProgress {
  importId: number;
  files: number;
  bytes: number;
  stored: number;
  /** already in the archive: not stored again */
  duplicates: number;
  skipped: number;
  series: number;
  patients: number;
  finished: boolean;
}

export interface ImportProblem {
  rule: string;
  severity: 'refuse' | 'warn';
  message: string;
}

export interface ImportSeriesSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** the patient's pseudonym, CTAW-000123 */
  patient: string;
  verdict: 'accepted' | 'warned' | 'refused';
  problems: ImportProblem[];
  slices: number;
  extentMm: number | null;
  spacingMm: number | null;
  /** the reading-study case made of it, when the import was into a study */
  caseId: number | null;
}

export interface ImportSummary extends ImportProgress {
  studyId: number | null;
  skippedFiles: ImportFileOutcome[];
  seriesResults: ImportSeriesSummary[];
}

/** POST /api/import */
export interface NewImport {
  studyId?: number | null;
}
