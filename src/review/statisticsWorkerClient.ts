// Promise face of workers/statistics.worker.ts: one worker per request, stopped once it answers
// (the statistics are computed once per visit of the screen, not worth keeping a worker warm).
import type { StatisticsWorkerRequest, StatisticsWorkerResponse, StudyStatistics } from './studyStatistics.ts';

export function computeStudyStatistics(request: StatisticsWorkerRequest, signal?: AbortSignal): Promise<StudyStatistics> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('../../workers/statistics.worker.ts', import.meta.url), { type: 'module' });
    const stop = () => {
      worker.terminate();
      reject(new DOMException('The statistics were no longer needed.', 'AbortError'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.addEventListener('message', (event: MessageEvent<StatisticsWorkerResponse>) => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      if (event.data.ok) resolve(event.data.statistics);
      else reject(new Error(event.data.message));
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      reject(new Error(`the statistics worker failed: ${event.message || 'it could not be started'}`));
    });
    worker.postMessage(request);
  });
}
