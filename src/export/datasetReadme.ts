// README.txt of the research export: the layout of the folder and what every column means, made
// from the same column lists the CSV writers use, so the two cannot drift apart.
export interface ReadmeInput {
  studyName: string;
  software: string;
  tables: Array<{ file: string; about: string; columns: Array<[string, string]> }>;
}

const LAYOUT = `Layout
  cases/<case>/ct.nii.gz                      the CT, int16 Hounsfield units, NIfTI-1
  cases/<case>/reads/<reader>.seg.dcm         the read's latest DICOM Segmentation, as stored
  cases/<case>/reads/<reader>.labels.nii.gz   the same segmentation on the CT's grid, uint8,
                                              value = the SEG's Segment Number (0 = none)
  cases/<case>/consensus.seg.dcm, consensus.labels.nii.gz   the consensus read, where there is one
  reads.csv, lesions.csv (with --quant), agreement.csv (where leads kept agreements)
  manifest.json   every file with its SHA-256, the software, the de-identification method per
                  case, the study's form schema and segment list; labelmap values per file

Geometry: every NIfTI of a case is on the CT's voxel grid; sform and qform (code 1, scanner)
hold the RAS affine from the DICOM geometry (LPS, x and y negated), voxel (0,0,0) centred at
the first voxel of the first row of the first slice of the grid. nibabel: img.affine.

Only cases whose assigned readers have all submitted are exported (the study's blinding rule).
Exporting again into the same folder rewrites only files whose content changed (manifest.json
lists the SHA-256 of each; compare with sha256sum).`;

export function datasetReadme(input: ReadmeInput): string {
  const parts = [`Research dataset of the reading study "${input.studyName}"`, `Made by ${input.software}.`, '', LAYOUT];
  for (const t of input.tables) {
    parts.push('', `${t.file}: ${t.about}`);
    const width = Math.min(28, Math.max(...t.columns.map(([c]) => c.length)));
    for (const [name, text] of t.columns) parts.push(`  ${name.padEnd(width)}  ${text}`);
  }
  return parts.join('\r\n').replace(/\r?\n/g, '\r\n') + '\r\n';
}
