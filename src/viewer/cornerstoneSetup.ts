// One-time Cornerstone3D start-up: core, tools and the DICOM image loader (codecs in web workers).
import {
  cache,
  imageLoader,
  getRenderingCapabilities,
  init as initCore,
} from '@cornerstonejs/core';
import { init as initTools } from '@cornerstonejs/tools';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

let started = false;

export function startCornerstone(): void {
  if (started) return;
  started = true;
  // All our viewports are volume viewports, which Cornerstone puts in the pool's first WebGL
  // context anyway; the six more contexts of its default pool only cost memory.
  initCore({ rendering: { webGlContextCount: 1 } } as never);
  initTools();
  // Registers the WADO-RS loader and its codec workers; the workers start on the first frame
  // that needs decoding in the browser (an archive that sends frames compressed).
  // Two cores here; more decode workers than cores only adds contention.
  dicomImageLoader.init({ maxWebWorkers: Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4)) });
  // The slices of the volumes the app streams itself ("ctaw:" IDs) live in the image cache;
  // Cornerstone asks an image loader for one when a volume is attached to a view.
  imageLoader.registerImageLoader('ctaw', ((imageId: string) => {
    const image = cache.getImage(imageId);
    return { promise: image ? Promise.resolve(image) : Promise.reject(new Error(`${imageId} is not in the cache`)) };
  }) as never);
}

/** What the GPU offers, shown in the status bar and used to pick texture formats. */
export function renderingSummary(): string {
  const caps = getRenderingCapabilities() as { webgl?: boolean; norm16?: boolean; norm16Linear?: boolean; softwareRasterizer?: boolean };
  if (!caps.webgl) return 'CPU rendering';
  return `${caps.softwareRasterizer ? 'software WebGL2' : 'WebGL2'}${caps.norm16 && caps.norm16Linear ? ', 16-bit textures' : ', 16-bit float textures'}`;
}

/** Whether WebGL runs in software (SwiftShader, llvmpipe): a 3D frame then takes seconds. */
export function isSoftwareRendering(): boolean {
  const caps = getRenderingCapabilities() as { softwareRasterizer?: boolean };
  return Boolean(caps.softwareRasterizer);
}

