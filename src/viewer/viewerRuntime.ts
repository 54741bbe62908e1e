// Everything the viewer needs from Cornerstone3D and vtk.js (and the tools built on them), in
// one module that seriesViewer.ts imports on demand: the first slice is painted while this
// ~4 MB chunk loads, instead of after it.
export { cache, Enums as CoreEnums, setVolumesForViewports, volumeLoader } from '@cornerstonejs/core';
export { isSoftwareRendering, renderingSummary, startCornerstone } from './cornerstoneSetup.ts';
export { add3dViewport, createMprLayout } from './viewportLayout.ts';
export { readoutAt } from './voxelReadout.ts';
export { needsHalfFloatTexture, useHalfFloatTexture } from './halfFloatTexture.ts';
export { decodeCompressedFrame } from './compressedFrame.ts';
export { registerImageIds } from '../dicomweb/imageIds.ts';
export { ContouringSession } from '../contouring/contouringSession.ts';
export { ReadFormSession } from '../form/readFormSession.ts';
export { addLinkedViews, type LinkedViews } from './linkedViews.ts';
