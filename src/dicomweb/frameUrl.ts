// The WADO-RS URL of a single-frame instance's frame.
import { DICOMWEB_ROOT } from './qido.ts';

export function frameUrl(studyUid: string, seriesUid: string, sopUid: string): string {
  return `${location.origin}${DICOMWEB_ROOT}/studies/${studyUid}/series/${seriesUid}/instances/${sopUid}/frames/1`;
}
