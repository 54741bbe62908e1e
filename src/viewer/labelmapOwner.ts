// What the viewer hands to whoever owns the labelmap it shows (a reader's read, a lead's review):
// the editing tools, the CT they paint on and the views to measure on. The viewer shows volumes
// and labelmaps; what the labelmap holds, where it is saved and where it goes is the owner's.
import type { ContouringSession } from '../contouring/contouringSession.ts';
import type { StudyConfig } from '../model/studyConfig.ts';
import type { CtVolume } from '../measure/measurementMath.ts';
import type { SegSource } from '../seg/segModel.ts';
import type * as ViewerRuntime from './viewerRuntime.ts';

export interface LabelmapTools {
  contouring: ContouringSession;
  config: StudyConfig;
  /** the CT a segmentation of this series refers to */
  segSource: SegSource;
  /** the views, for tools that draw on them (the read form's measurements) */
  views: {
    engine: ContouringSession['engine'];
    elements: Record<string, HTMLDivElement>;
    mprIds: string[];
    volume: CtVolume;
    /** Two columns of linked MPR views, captioned, or back to one (null); resolves to the second column's view ids ([] for one). */
    sideBySide: (captions: { left: string; right: string } | null) => Promise<string[]>;
  };
  /** the lazily loaded viewer code (Cornerstone and what is built on it) */
  runtime: Pick<typeof ViewerRuntime, 'ReadFormSession'>;
}

export interface LabelmapOwner {
  /** Before the tools are on screen: fill the labelmap (a draft, a result), so it is shown at once. */
  prepare(tools: LabelmapTools): Promise<void>;
  /** The tools are on screen. */
  shown(): Promise<void>;
  destroy(): void;
}
