// The views of the reading layout, by ID. Kept apart from viewportLayout.ts so the page and the
// first paint do not pull in Cornerstone.
export const MPR_VIEWPORTS = [
  { id: 'axial', label: 'Axial', orientation: 'axial' },
  { id: 'coronal', label: 'Coronal', orientation: 'coronal' },
  { id: 'sagittal', label: 'Sagittal', orientation: 'sagittal' },
] as const;
export const VIEWPORT_3D = 'volume3d';
export const RENDERING_ENGINE_ID = 'ctaw-engine';
/** The second column of a side-by-side layout: each view linked to its namesake (slice, zoom, pan, window). */
export const LINKED_VIEWPORTS = MPR_VIEWPORTS.map((v) => ({ id: `${v.id}-b`, label: v.label, orientation: v.orientation, of: v.id }));
