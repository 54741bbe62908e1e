// Reads the SeriesInstanceUID of a DICOM file with dcmjs (only the header is needed).
import { readFile } from 'node:fs/promises';
import dcmjs from 'dcmjs';

export async function readSeriesUid(file: string): Promise<string> {
  const buf = await readFile(file);
  const dict = dcmjs.data.DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength), { untilTag: '7FE00010' });
  const uid = dict.dict['0020000E']?.Value?.[0];
  if (typeof uid !== 'string') throw new Error(`${file}: no SeriesInstanceUID`);
  return uid;
}
