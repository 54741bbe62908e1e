// The transport limit: every frame of a series fetched with parallel HTTP requests (six at a
// time, the browser's limit per origin over HTTP/1.1), in the stored transfer syntax, through the
// same server, doing nothing with the bytes. Measured in headless Chromium (the app's own network
// stack) and, for reference, from Node.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browserMetrics.ts';

const ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

async function sopUids(base: string, studyUid: string, seriesUid: string): Promise<string[]> {
  const res = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances`);
  return ((await res.json()) as Array<Record<string, { Value: string[] }>>).map((d) => d['00080018'].Value[0]);
}

export async function fetchAllFramesInBrowserMs(base: string, studyUid: string, seriesUid: string): Promise<{ ms: number; bytes: number }> {
  const sops = await sopUids(base, studyUid, seriesUid);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/api/health`);
    return await page.evaluate(
      async ({ prefix, sops, accept }) => {
        const t0 = performance.now();
        let next = 0;
        let bytes = 0;
        await Promise.all(
          Array.from({ length: 6 }, async () => {
            while (next < sops.length) {
              const res = await fetch(`${prefix}/${sops[next++]}/frames/1`, { headers: { Accept: accept } });
              const n = (await res.arrayBuffer()).byteLength; // not `bytes += await`: that loses updates
              bytes += n;
            }
          }),
        );
        return { ms: performance.now() - t0, bytes };
      },
      { prefix: `/dicom-web/studies/${studyUid}/series/${seriesUid}/instances`, sops, accept: ACCEPT },
    );
  } finally {
    await browser.close();
  }
}

export async function fetchAllFramesInNodeMs(base: string, studyUid: string, seriesUid: string): Promise<{ ms: number; bytes: number }> {
  const sops = await sopUids(base, studyUid, seriesUid);
  const t0 = performance.now();
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < sops.length) {
        const r = await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances/${sops[next++]}/frames/1`, { headers: { Accept: ACCEPT } });
        const n = (await r.arrayBuffer()).byteLength;
        bytes += n;
      }
    }),
  );
  return { ms: performance.now() - t0, bytes };
}
