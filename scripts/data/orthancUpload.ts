// Loads DICOM files into Orthanc through its REST API. Admin-side tooling only: it talks to
// Orthanc on loopback directly, never through the app's server (which does not expose this API).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function listDicomFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.dcm')).sort();
  return names.map((n) => join(dir, n));
}

export async function uploadFiles(orthancUrl: string, files: string[], concurrency = 4): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < files.length) {
      const file = files[next++];
      const body = await readFile(file);
      const res = await fetch(`${orthancUrl}/instances`, { method: 'POST', body, headers: { 'Content-Type': 'application/dicom' } });
      if (!res.ok) throw new Error(`Orthanc refused ${file}: HTTP ${res.status} ${await res.text()}`);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
}

/** Number of instances Orthanc holds in a series (0 when it has none), via QIDO-RS. */
export async function countSeriesInstances(orthancUrl: string, seriesUid: string): Promise<number> {
  const res = await fetch(`${orthancUrl}/dicom-web/series?SeriesInstanceUID=${seriesUid}&includefield=00201209`);
  if (!res.ok) throw new Error(`QIDO failed: HTTP ${res.status}`);
  const json = (await res.json()) as Array<Record<string, { Value?: number[] }>>;
  return json[0]?.['00201209']?.Value?.[0] ?? 0;
}
