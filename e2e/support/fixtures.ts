// The manifest scripts/test-fixtures.ts wrote: UIDs and files of each test series.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface FixtureSeries {
  studyUid: string;
  seriesUid: string;
  dir: string;
  files: string[];
}

export type FixtureName = 'covid' | 'lidc' | 'lidcPart' | 'jpegls' | 'rle' | 'seg' | 'segSourceCt' | 'hostile' | 'gap';

export function fixtures(): Record<FixtureName, FixtureSeries> {
  const path = process.env.CTAW_FIXTURES ?? resolve(import.meta.dirname, '../../.data/test-fixtures.json');
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function viewerUrl(s: FixtureSeries): string {
  return `/viewer/${s.studyUid}/${s.seriesUid}`;
}
