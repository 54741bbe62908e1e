import { describe, expect, it } from 'vitest';
import dcmjs from 'dcmjs';
import { writePart10 } from './dicomWriter.ts';
import { phantomHu } from './syntheticCt.ts';

describe('writePart10', () => {
  it('writes a file dcmjs reads back with the same values', () => {
    const pixels = new Uint16Array([0, 1, 1024, 4095]);
    const bytes = writePart10(
      [
        { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
        { tag: 0x00080018, vr: 'UI', value: '1.2.3.4' },
        { tag: 0x00100010, vr: 'PN', value: 'Doe^Jane' },
        { tag: 0x00280010, vr: 'US', value: 2 },
        { tag: 0x00280030, vr: 'DS', value: [0.5, 0.5] },
        { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer) },
      ],
      '1.2.840.10008.5.1.4.1.1.2',
      '1.2.3.4',
    );
    const dict = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
    expect(dict.meta['00020010'].Value[0]).toBe('1.2.840.10008.1.2.1');
    expect(ds.SOPInstanceUID).toBe('1.2.3.4');
    expect(ds.Rows).toBe(2);
    expect(ds.PixelSpacing).toEqual([0.5, 0.5]);
    expect(Array.from(new Uint16Array((ds.PixelData as ArrayBuffer[])[0]))).toEqual([0, 1, 1024, 4095]);
  });
});

describe('phantomHu', () => {
  it('has air outside, fat rim, lungs and a spine', () => {
    expect(phantomHu(200, 0, 50, 100)).toBe(-1000);
    expect(phantomHu(0, 78, 45, 100)).toBe(700);
    expect(phantomHu(70, -50, 10, 100)).toBe(-850);
  });
});
