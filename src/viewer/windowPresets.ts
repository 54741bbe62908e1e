// Window presets of chest CT reading, in HU.
export interface WindowPreset {
  id: 'lung' | 'mediastinum' | 'bone';
  label: string;
  widthHu: number;
  centerHu: number;
  key: string;
}

export const WINDOW_PRESETS: WindowPreset[] = [
  { id: 'lung', label: 'Lung', widthHu: 1500, centerHu: -600, key: '1' },
  { id: 'mediastinum', label: 'Mediastinum', widthHu: 400, centerHu: 40, key: '2' },
  { id: 'bone', label: 'Bone', widthHu: 1800, centerHu: 400, key: '3' },
];

export function voiRange(widthHu: number, centerHu: number): { lower: number; upper: number } {
  return { lower: centerHu - widthHu / 2, upper: centerHu + widthHu / 2 };
}

export function windowFromRange(lower: number, upper: number): { widthHu: number; centerHu: number } {
  return { widthHu: upper - lower, centerHu: (upper + lower) / 2 };
}
