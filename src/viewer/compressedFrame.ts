// Frames an archive sends compressed (it would not transcode them): decoded to HU by the DICOM
// image loader's codecs, which run in web workers.
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import type { PixelFormat } from './storedToHu.ts';

/** Decodes one frame into `target` (Int16 HU). The image ID's metadata must be registered. */
export async function decodeCompressedFrame(imageId: string, bytes: Uint8Array, transferSyntaxUid: string, target: Int16Array, format: PixelFormat): Promise<void> {
  const image = (await dicomImageLoader.createImage(imageId, bytes, transferSyntaxUid, {
    targetBuffer: { type: 'Int16Array' },
    preScale: { enabled: true },
  } as never)) as unknown as { getPixelData: () => ArrayLike<number>; preScale?: { scaled?: boolean } };
  const pixels = image.getPixelData();
  if (image.preScale?.scaled) {
    target.set(pixels);
  } else {
    const { rescaleSlope: m, rescaleIntercept: b } = format;
    for (let i = 0; i < target.length; i++) target[i] = Math.round(pixels[i] * m + b);
  }
}
