// Where the GPU has no 16-bit normalized textures (SwiftShader here, some mobile GPUs), vtk.js
// stores a CT volume as a 32-bit float texture: twice the memory of the Int16 voxels (in software
// WebGL that is process memory: 140 MB for a 133-slice CT), and every slice converted to Float32
// on upload. A 16-bit float texture holds every integer HU from -2048 to 2048 exactly (2 HU
// steps up to 4096: dense bone, metal), which is more than a window of 400 HU or wider can show;
// the HU readout and the HU-threshold tools read the Int16 voxels, never the texture.
// Cornerstone's streaming mappers switch vtk.js's half-float choice off before every upload, and
// vtk.js objects are frozen once built, so the choice is made when the texture is built.
// Each slice upload converts through a table into one reused buffer, where vtk.js would allocate
// a new array per slice (garbage that sat in the renderer's memory until the next collection).
import macro from '@kitware/vtk.js/macros';
import { getRenderingCapabilities } from '@cornerstonejs/core';
import { extend as extendStreamingTexture } from 'cornerstone-internal/streaming-texture';
import { int16ToHalf } from './halfFloat.ts';

const newHalfFloatTexture = macro.newInstance((publicAPI: object, model: object, initialValues: object = {}) => {
  extendStreamingTexture(publicAPI as Record<string, unknown>, model as Record<string, unknown>, initialValues as Record<string, unknown>);
  const api = publicAPI as Record<string, unknown>;
  api.useHalfFloat = () => true;
  type Convert = (dataType: string, data: Array<ArrayLike<number> | null>, depth?: boolean, extents?: unknown[]) => unknown[];
  const vtkConvert = api.updateArrayDataTypeForGL as Convert;
  let slice = new Uint16Array(0);
  // Cornerstone uploads one slice at a time and texSubImage3D copies it at once: one buffer serves all.
  api.updateArrayDataTypeForGL = ((dataType, data, depth = false, extents = []) => {
    const src = data[0];
    if (depth || extents.length || data.length !== 1 || !(src instanceof Int16Array)) return vtkConvert(dataType, data, depth, extents);
    if (slice.length !== src.length) slice = new Uint16Array(src.length);
    return [int16ToHalf(src, slice)];
  }) satisfies Convert;
}, 'ctawHalfFloatStreamingTexture') as () => { setVolumeId: (id: string) => void; delete: () => void };

/** Whether this GPU needs the half-float texture (no filterable norm16). */
export function needsHalfFloatTexture(): boolean {
  const caps = getRenderingCapabilities() as { webgl?: boolean; norm16?: boolean; norm16Linear?: boolean };
  return Boolean(caps.webgl) && !(caps.norm16 && caps.norm16Linear);
}

/** Swaps a new volume's texture (before it is shown in any view) for a half-float one. */
export function useHalfFloatTexture(volume: { volumeId: string; vtkOpenGLTexture: unknown }): void {
  const texture = newHalfFloatTexture();
  texture.setVolumeId(volume.volumeId);
  (volume.vtkOpenGLTexture as { delete: () => void }).delete();
  volume.vtkOpenGLTexture = texture;
}
