// Reads the Study and Series Instance UIDs of a DICOM file with dcmjs (header only).
import { readFile } from 'node:fs/promises';
import dcmjs from 'dcmjs';

export async function readUids(file: string): Promise<{ studyUid: string; seriesUid: string }> {
  const buf = await readFile(file);
  const dict = dcmjs.data.DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), { untilTag: '7FE00010' });
  const studyUid = dict.dict['0020000D']?.Value?.[0];
  const seriesUid = dict.dict['0020000E']?.Value?.[0];
  if (typeof studyUid !== 'string' || typeof seriesUid !== 'string') throw new Error(`${file}: no Study/Series Instance UID`);
  return { studyUid, seriesUid };
}
