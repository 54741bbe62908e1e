// sRGB <-> the CIELab triple DICOM stores in Recommended Display CIELab Value (PS3.3 C.10.7.1.1):
// L* 0..100 and a*, b* -128..127 scaled linearly onto 0..0xFFFF. The reference white is D65,
// the white point of sRGB itself, so a colour goes through without chromatic adaptation; dcmqi,
// 3D Slicer and highdicom do the same, which keeps colours stable between these tools.
import type { Rgb } from '../model/color.ts';

export type DicomLab = [number, number, number];

// D65 white (2° observer) in XYZ with Y = 1.
const WHITE = [0.95047, 1.0, 1.08883] as const;
const EPSILON = 216 / 24389; // (6/29)^3
const KAPPA = 24389 / 27; // (29/3)^3

// IEC 61966-2-1 matrices (linear sRGB <-> XYZ, D65).
const RGB_TO_XYZ = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041],
] as const;
const XYZ_TO_RGB = [
  [3.2404542, -1.5371385, -0.4985314],
  [-0.969266, 1.8760108, 0.041556],
  [0.0556434, -0.2040259, 1.0572252],
] as const;

function toLinear(c8: number): number {
  const c = c8 / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(c: number): number {
  const v = c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
  return Math.min(255, Math.max(0, Math.round(v * 255)));
}

function f(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : (KAPPA * t + 16) / 116;
}

function fInverse(t: number): number {
  const t3 = t * t * t;
  return t3 > EPSILON ? t3 : (116 * t - 16) / KAPPA;
}

/** CIELab (L* 0..100; a* and b* about -128..127) of an 8-bit sRGB colour. */
export function rgbToLab(rgb: Rgb): [number, number, number] {
  const lin = rgb.map(toLinear);
  const xyz = RGB_TO_XYZ.map((row) => row[0] * lin[0] + row[1] * lin[1] + row[2] * lin[2]);
  const [fx, fy, fz] = xyz.map((v, n) => f(v / WHITE[n]));
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** 8-bit sRGB of a CIELab colour; colours outside the sRGB gamut are clipped per channel. */
export function labToRgb(lab: readonly [number, number, number]): Rgb {
  const fy = (lab[0] + 16) / 116;
  const fx = fy + lab[1] / 500;
  const fz = fy - lab[2] / 200;
  const xyz = [fInverse(fx) * WHITE[0], fInverse(fy) * WHITE[1], fInverse(fz) * WHITE[2]];
  const lin = XYZ_TO_RGB.map((row) => row[0] * xyz[0] + row[1] * xyz[1] + row[2] * xyz[2]);
  return [fromLinear(lin[0]), fromLinear(lin[1]), fromLinear(lin[2])];
}

function clamp16(v: number): number {
  return Math.min(0xffff, Math.max(0, Math.round(v)));
}

/** The three unsigned 16-bit values of Recommended Display CIELab Value for an sRGB colour. */
export function rgbToDicomLab(rgb: Rgb): DicomLab {
  const [l, a, b] = rgbToLab(rgb);
  return [clamp16((l * 0xffff) / 100), clamp16(((a + 128) * 0xffff) / 255), clamp16(((b + 128) * 0xffff) / 255)];
}

/** The sRGB colour of a Recommended Display CIELab Value. */
export function dicomLabToRgb(lab: readonly number[]): Rgb {
  return labToRgb([(lab[0] * 100) / 0xffff, (lab[1] * 255) / 0xffff - 128, (lab[2] * 255) / 0xffff - 128]);
}
