// One-time Cornerstone3D start-up: core, tools, the DICOM image loader (codecs in web workers)
// and the streaming volume loader.
import {
  cache,
  imageLoader,
  cornerstoneStreamingImageVolumeLoader,
  getRenderingCapabilities,
  imageLoadPoolManager,
  imageRetrievalPoolManager,
  init as initCore,
  volumeLoader,
  Enums,
} from '@cornerstonejs/core';
import { init as initTools } from '@cornerstonejs/tools';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';

let started = false;

export function startCornerstone(): void {
  if (started) return;
  started = true;
  initCore();
  initTools();
  // Two cores here; more decode workers than cores only adds contention.
  const cores = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 4));
  dicomImageLoader.init({ maxWebWorkers: cores });
  volumeLoader.registerVolumeLoader('cornerstoneStreamingImageVolume', cornerstoneStreamingImageVolumeLoader as never);
  // The slices of the volumes the app streams itself ("ctaw:" IDs) live in the image cache;
  // Cornerstone asks an image loader for one when a volume is attached to a view.
  imageLoader.registerImageLoader('ctaw', ((imageId: string) => {
    const image = cache.getImage(imageId);
    return { promise: image ? Promise.resolve(image) : Promise.reject(new Error(`${imageId} is not in the cache`)) };
  }) as never);
  // Keep several frame requests in flight (HTTP/1.1 gives six connections per origin).
  imageRetrievalPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, 12);
  imageRetrievalPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Interaction, 12);
  imageLoadPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, 24);
}

/** What the GPU offers, shown in the status bar and used to pick texture formats. */
export function renderingSummary(): string {
  const caps = getRenderingCapabilities() as { webgl?: boolean; norm16?: boolean; renderer?: string; softwareRasterizer?: boolean };
  if (!caps.webgl) return 'CPU rendering';
  return `${caps.softwareRasterizer ? 'software WebGL2' : 'WebGL2'}${caps.norm16 ? ', 16-bit textures' : ', float textures'}`;
}
