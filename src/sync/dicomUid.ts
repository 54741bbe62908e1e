// DICOM UIDs under the 2.25 root (a UUID as a decimal integer, PS3.5 B.2): no registered
// root needed, unique without coordination, and one per device is fine offline.
export function newUid(): string {
  return uuidToUid(crypto.randomUUID());
}

export function uuidToUid(uuid: string): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString()}`;
}

/** The same UID for the same text (a reader's SEG series of one case), from SHA-256. */
export async function stableUid(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (const b of digest.subarray(0, 16)) hex += b.toString(16).padStart(2, '0');
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}
