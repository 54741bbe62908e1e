// The transport limit: fetching every frame of a series with parallel HTTP requests (six at a
// time, as a browser does over HTTP/1.1), through the same server, doing nothing with the bytes.
export async function fetchAllFramesMs(base: string, studyUid: string, seriesUid: string, concurrency = 6): Promise<{ ms: number; bytes: number }> {
  const res = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances`);
  const sops = ((await res.json()) as Array<Record<string, { Value: string[] }>>).map((d) => d['00080018'].Value[0]);
  const t0 = performance.now();
  let next = 0;
  let bytes = 0;
  async function worker(): Promise<void> {
    while (next < sops.length) {
      const sop = sops[next++];
      const r = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances/${sop}/frames/1`, {
        headers: { Accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
      });
      bytes += (await r.arrayBuffer()).byteLength;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - t0, bytes };
}
