// lesions.csv of the research export: one row per lesion of each read (3D 26-connected components
// of the read's lesion segments, src/quant/lesionBiomarkers.ts), with the biomarkers under the
// names and definitions that module gives them; only exported with --quant (it needs the lungs).
import { csvLine } from '../review/exportCsv.ts';
import { BIOMARKER_DEFINITIONS, type LesionBiomarkers } from '../quant/lesionBiomarkers.ts';

export interface LesionRows {
  case: string;
  reader: string;
  consensus: boolean;
  lesions: LesionBiomarkers[];
}

type Field = Exclude<keyof LesionBiomarkers, 'centroid_ijk' | 'centroid_lps_mm'>;
const SCALARS = (Object.keys(BIOMARKER_DEFINITIONS) as Array<keyof LesionBiomarkers>).filter((k): k is Field => k !== 'centroid_ijk' && k !== 'centroid_lps_mm');

export function lesionsColumns(): Array<[string, string]> {
  return [
    ['case', 'Case pseudonym, as in reads.csv.'],
    ['reader', 'Reader pseudonym, as in reads.csv.'],
    ['consensus', '1 for a lesion of the consensus read.'],
    ...SCALARS.map((k): [string, string] => [k, BIOMARKER_DEFINITIONS[k]]),
    ['centroid_i', `${BIOMARKER_DEFINITIONS.centroid_ijk} (i)`],
    ['centroid_j', '(j)'],
    ['centroid_k', '(k)'],
    ['centroid_x_lps_mm', `${BIOMARKER_DEFINITIONS.centroid_lps_mm} (x)`],
    ['centroid_y_lps_mm', '(y)'],
    ['centroid_z_lps_mm', '(z)'],
  ];
}

export function lesionsCsv(reads: readonly LesionRows[]): string {
  const lines = [csvLine(lesionsColumns().map(([name]) => name))];
  const sorted = [...reads].sort((a, b) => (a.case < b.case ? -1 : a.case > b.case ? 1 : 0) || Number(a.consensus) - Number(b.consensus) || (a.reader < b.reader ? -1 : 1));
  for (const r of sorted) {
    for (const l of r.lesions) {
      lines.push(csvLine([r.case, r.reader, r.consensus ? 1 : 0, ...SCALARS.map((k) => l[k]), ...l.centroid_ijk, ...l.centroid_lps_mm]));
    }
  }
  return lines.join('\r\n') + '\r\n';
}
