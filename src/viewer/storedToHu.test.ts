import { describe, expect, it } from 'vitest';
import { storedToHu } from './storedToHu.ts';

const bytesOf = (words: number[]) => new Uint8Array(new Uint16Array(words).buffer);

describe('storedToHu', () => {
  it('applies the rescale intercept to unsigned 12-bit values', () => {
    const out = new Int16Array(3);
    storedToHu(bytesOf([0, 1024, 2274]), out, { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, rescaleSlope: 1, rescaleIntercept: -1024 });
    expect(Array.from(out)).toEqual([-1024, 0, 1250]);
  });
  it('ignores bits above BitsStored for unsigned pixels', () => {
    const out = new Int16Array(1);
    storedToHu(bytesOf([0xf000 | 100]), out, { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 0, rescaleSlope: 1, rescaleIntercept: 0 });
    expect(out[0]).toBe(100);
  });
  it('sign-extends two’s complement pixels of fewer than 16 stored bits', () => {
    const out = new Int16Array(2);
    storedToHu(bytesOf([0x0fff, 0x07ff]), out, { bitsAllocated: 16, bitsStored: 12, pixelRepresentation: 1, rescaleSlope: 1, rescaleIntercept: 0 });
    expect(Array.from(out)).toEqual([-1, 2047]);
    storedToHu(bytesOf([0xfc00, 500]), out, { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, rescaleSlope: 1, rescaleIntercept: 0 });
    expect(Array.from(out)).toEqual([-1024, 500]);
  });
  it('rounds a non-unit slope', () => {
    const out = new Int16Array(2);
    storedToHu(bytesOf([10, 11]), out, { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, rescaleSlope: 0.5, rescaleIntercept: -1 });
    expect(Array.from(out)).toEqual([4, 5]);
  });
  it('reads a body that starts at an odd byte offset', () => {
    const buf = new Uint8Array(5);
    buf.set(bytesOf([7, 9]), 1);
    const out = new Int16Array(2);
    storedToHu(buf.subarray(1), out, { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, rescaleSlope: 1, rescaleIntercept: 0 });
    expect(Array.from(out)).toEqual([7, 9]);
  });
  it('refuses a short frame', () => {
    expect(() => storedToHu(new Uint8Array(2), new Int16Array(2), { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 0, rescaleSlope: 1, rescaleIntercept: 0 })).toThrow('expected 4');
  });
});
