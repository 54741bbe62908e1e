// Whether a download fits the storage the browser grants this app, in words a reader can act on.
const MB = 1024 * 1024;

export interface StorageEstimateLike {
  quota?: number;
  usage?: number;
}

/** null when `neededBytes` fits (with a 10 % margin), else the message to show. */
export function storageShortfall(estimate: StorageEstimateLike, neededBytes: number): string | null {
  if (estimate.quota === undefined) return null;
  const free = Math.max(0, estimate.quota - (estimate.usage ?? 0));
  if (neededBytes * 1.1 <= free) return null;
  return `Not enough storage on this device: this series needs about ${Math.ceil(neededBytes / MB)} MB and ${Math.floor(free / MB)} MB are free for the app. Free space (or remove series kept offline) and try again.`;
}
