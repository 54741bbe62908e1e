// Colours as the app holds them: 8-bit sRGB. What DICOM stores (Recommended Display CIELab Value,
// PS3.3 C.10.7.1.1) is converted to and from this in src/seg/cielab.ts.
export type Rgb = [number, number, number];
