// Cornerstone image IDs for the frames of a checked series, with the metadata the WADO-RS
// loader needs registered up front (one series metadata request instead of one per image).
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import type { SliceInfo } from './seriesValidation.ts';
import { frameUrl } from './frameUrl.ts';

export function registerImageIds(studyUid: string, seriesUid: string, slices: SliceInfo[]): string[] {
  return slices.map((s) => {
    const imageId = `wadors:${frameUrl(studyUid, seriesUid, s.sopInstanceUid)}`;
    dicomImageLoader.wadors.metaDataManager.add(imageId, s.dataset as never);
    return imageId;
  });
}
