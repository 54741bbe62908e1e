// The Part 10 files of a series or an instance, straight from Orthanc's REST API (loopback, no
// blinding: the export decides itself what it may take, server/export/datasetExport.ts).
// /tools/lookup finds Orthanc's id of a DICOM UID; /instances/{id}/file is the file as stored.

/** Orthanc answered with an error, or not at all; the message names what was asked. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

// Orthanc serves each file on one of its HTTP threads (32 in scripts/orthanc.sh); 8 at once keeps
// the export from starving readers on a live server and is as fast on a 300-slice series.
const PARALLEL = 8;

async function ask(url: string, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new ArchiveError(`the archive at ${new URL(url).origin} does not answer (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!res.ok) throw new ArchiveError(`the archive answered ${res.status} to ${init?.method ?? 'GET'} ${new URL(url).pathname}`);
  return res;
}

async function lookup(orthancUrl: string, uid: string, type: 'Series' | 'Instance'): Promise<string[]> {
  const res = await ask(`${orthancUrl}/tools/lookup`, { method: 'POST', body: uid, headers: { 'content-type': 'text/plain' } });
  const found = (await res.json()) as Array<{ ID: string; Type: string }>;
  return found.filter((f) => f.Type === type).map((f) => f.ID);
}

export async function instanceFile(orthancUrl: string, sopInstanceUid: string): Promise<Uint8Array | null> {
  const [id] = await lookup(orthancUrl, sopInstanceUid, 'Instance');
  if (!id) return null;
  return new Uint8Array(await (await ask(`${orthancUrl}/instances/${id}/file`)).arrayBuffer());
}

/** Every instance of the series, in Orthanc's order (the caller stacks them by position). */
export async function seriesFiles(orthancUrl: string, seriesInstanceUid: string): Promise<Uint8Array[]> {
  const [id] = await lookup(orthancUrl, seriesInstanceUid, 'Series');
  if (!id) throw new ArchiveError(`the CT series ${seriesInstanceUid} is not on the archive`);
  const instances = (await (await ask(`${orthancUrl}/series/${id}/instances`)).json()) as Array<{ ID: string }>;
  const out: Uint8Array[] = new Array(instances.length);
  let next = 0;
  const worker = async () => {
    while (next < instances.length) {
      const n = next++;
      out[n] = new Uint8Array(await (await ask(`${orthancUrl}/instances/${instances[n].ID}/file`)).arrayBuffer());
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, instances.length) }, worker));
  return out;
}
