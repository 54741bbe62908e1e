// "Export dataset" on the lead page: the study's research dataset as a zip
// (GET /api/studies/:id/export, server/API.md "Research dataset export"). The browser is sent to
// the route rather than the page fetching it: the answer is an attachment, so the page stays,
// the browser streams the archive to disk as the server makes it (a study of hundreds of CTs
// never has to fit in the page's memory), and the session cookie goes with it.
export function datasetExportUrl(studyId: number): string {
  return `/api/studies/${studyId}/export`;
}

export function DatasetExportLink({ studyId }: { studyId: number }) {
  return (
    <button
      onClick={() => window.location.assign(datasetExportUrl(studyId))}
      data-testid="study-export"
      title="The complete cases as NIfTI (CT and each read's labelmap) and DICOM-SEG, reads.csv, agreement.csv, README.txt and manifest.json, readers as pseudonyms. On the server, npm run export also writes lesion biomarkers (--quant) and updates a folder incrementally."
    >
      Export dataset
    </button>
  );
}
