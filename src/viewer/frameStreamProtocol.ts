// Messages between the viewer (src/viewer/frameStreamer.ts) and the frame worker
// (workers/frameStream.worker.ts).
import type { PixelFormat } from './storedToHu.ts';

export interface FrameJob {
  /** slice index in the volume grid */
  k: number;
  url: string;
}

export type ToFrameWorker =
  /** holdAfterFirst: the rest waits for 'resume' (sent once the first slice is painted) */
  | { type: 'start'; jobs: FrameJob[]; format: PixelFormat; sliceLength: number; inFlight: number; retries: number; holdAfterFirst: boolean }
  | { type: 'resume' }
  /** a slice buffer the viewer has copied out of, handed back for the next frame */
  | { type: 'recycle'; buffer: ArrayBuffer };

export type FromFrameWorker =
  /** the slice in HU, sliceLength Int16 values */
  | { type: 'slice'; k: number; hu: ArrayBuffer; receivedBytes: number }
  /** a frame the archive sent in its stored compressed syntax: the viewer decodes it */
  | { type: 'compressed'; k: number; bytes: ArrayBuffer; transferSyntaxUid: string; receivedBytes: number }
  | { type: 'failed'; k: number; error: string }
  | { type: 'done' };
