// The same SEG written by plain @cornerstonejs/adapters (generateSegmentation + dcmjs's writer),
// for the comparison the SEG bench reports: the adapters expect Cornerstone images and a metadata
// provider, so the CT's slices are given to it as the app's volume would (one image per slice,
// metadata modules from the same grid) and the labelmap as its Labelmap3D (one 2D labelmap per slice).
import type { SegEncodeInput } from '../src/seg/segModel.ts';

type Naturalized = Record<string, unknown>;

export async function encodeWithAdapters(input: SegEncodeInput): Promise<Uint8Array> {
  const { adaptersSEG } = await import('@cornerstonejs/adapters');
  const dcmjs = (await import('dcmjs')).default;
  const { source, labels } = input;
  const [nx, ny, nz] = source.grid.dims;
  const [sx, sy, sz] = source.grid.spacing;
  const [ox, oy, oz] = source.grid.origin;
  const d = source.grid.direction;
  const orientation = [d[0], d[1], d[2], d[3], d[4], d[5]];
  const pixels = new Int16Array(nx * ny);
  const images = source.slices.map((slice, k) => ({
    imageId: `bench:${k}`,
    rows: ny,
    columns: nx,
    voxelManager: { getScalarData: () => pixels },
    sopInstanceUid: slice?.sopInstanceUid,
  }));
  const position = (k: number) => [ox + d[6] * sz * k, oy + d[7] * sz * k, oz + d[8] * sz * k];
  const study: Naturalized = {
    StudyInstanceUID: source.studyInstanceUid, PatientName: source.patientName ?? '', PatientID: source.patientId ?? '',
    PatientBirthDate: '', PatientSex: '', StudyDate: '', StudyTime: '', StudyID: '', AccessionNumber: '', ReferringPhysicianName: '',
  };
  const series: Naturalized = { SeriesInstanceUID: source.seriesInstanceUid, Modality: 'CT', FrameOfReferenceUID: source.frameOfReferenceUid, SeriesNumber: 1 };
  const metadata = {
    get(module: string, imageId: string): Naturalized | undefined {
      const k = Number(imageId.split(':')[1]);
      const slice = source.slices[k];
      if (module === 'StudyData') return study;
      if (module === 'SeriesData') return series;
      if (module === 'ImageData') {
        return {
          SOPClassUID: slice?.sopClassUid, SOPInstanceUID: slice?.sopInstanceUid, Rows: ny, Columns: nx,
          ImagePositionPatient: position(k), ImageOrientationPatient: orientation, PixelSpacing: [sy, sx], SliceThickness: sz,
          SamplesPerPixel: 1, PhotometricInterpretation: 'MONOCHROME2', BitsStored: 16, HighBit: 15, PixelRepresentation: 1,
        };
      }
      if (module === 'imagePlaneModule') {
        return {
          imagePositionPatient: position(k), imageOrientationPatient: orientation, rowCosines: orientation.slice(0, 3), columnCosines: orientation.slice(3),
          pixelSpacing: [sy, sx], rowPixelSpacing: sy, columnPixelSpacing: sx, sliceThickness: sz, rows: ny, columns: nx,
        };
      }
      return undefined;
    },
  };
  const labelmaps2D = [];
  for (let k = 0; k < nz; k++) {
    const pixelData = labels.subarray(k * nx * ny, (k + 1) * nx * ny);
    const present = new Set<number>();
    for (let i = 0; i < pixelData.length; i++) if (pixelData[i]) present.add(pixelData[i]);
    labelmaps2D.push({ pixelData, rows: ny, columns: nx, segmentsOnLabelmap: [...present] });
  }
  const segMetadata: Array<Naturalized | null> = [null];
  for (const s of input.segments) {
    segMetadata[s.value] = {
      SegmentNumber: s.value,
      SegmentLabel: s.label,
      SegmentAlgorithmType: 'MANUAL',
      SegmentedPropertyCategoryCodeSequence: { CodeValue: s.category.value, CodingSchemeDesignator: s.category.scheme, CodeMeaning: s.category.meaning },
      SegmentedPropertyTypeCodeSequence: { CodeValue: s.type.value, CodingSchemeDesignator: s.type.scheme, CodeMeaning: s.type.meaning },
      RecommendedDisplayCIELabValue: [0, 0, 0],
    };
  }
  const labelmap3D = { labelmaps2D, metadata: segMetadata };
  const seg = adaptersSEG.Cornerstone3D.Segmentation.generateSegmentation(images, labelmap3D, metadata, {
    SeriesDescription: input.seriesDescription,
    includeSliceSpacing: true,
  }) as { dataset: Naturalized };
  const buffer = dcmjs.data.datasetToBuffer(seg.dataset) as ArrayBuffer | { buffer: ArrayBuffer };
  return new Uint8Array(buffer instanceof ArrayBuffer ? buffer : buffer.buffer);
}
