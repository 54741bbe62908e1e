// Bytes of pixel data received, from Resource Timing: the loader's XHRs do not expose sizes,
// but the browser counts every response body.
const FRAME_PATH = /\/dicom-web\/studies\/[^/]+\/series\/[^/]+\/instances\/[^/]+\/frames\//;

export function watchFrameBytes(onBytes: (bytes: number) => void): () => void {
  performance.setResourceTimingBufferSize(100_000);
  let total = 0;
  const observer = new PerformanceObserver((list) => {
    let added = 0;
    for (const e of list.getEntries() as PerformanceResourceTiming[]) {
      if (FRAME_PATH.test(e.name)) added += e.encodedBodySize || e.transferSize;
    }
    if (added) {
      total += added;
      onBytes(total);
    }
  });
  observer.observe({ type: 'resource', buffered: false });
  return () => observer.disconnect();
}
