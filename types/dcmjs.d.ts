// dcmjs ships no type declarations; the project uses a small part of it.
declare module 'dcmjs' {
  type DenaturalizedDict = Record<string, { vr?: string; Value?: unknown[] }>;
  interface DicomDict {
    dict: DenaturalizedDict;
    write: (options?: Record<string, unknown>) => ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile: (buffer: ArrayBuffer, options?: Record<string, unknown>) => { meta: Record<string, { Value: unknown[] }>; dict: Record<string, { Value?: unknown[] }> } };
      DicomMetaDictionary: {
        naturalizeDataset: (dict: unknown) => Record<string, unknown>;
        denaturalizeDataset: (dataset: Record<string, unknown>) => DenaturalizedDict;
      };
      DicomDict: new (meta: Record<string, unknown>) => DicomDict;
      /** a naturalized dataset (with _meta) written as a Part 10 file */
      datasetToBuffer: (dataset: Record<string, unknown>) => ArrayBuffer | { buffer: ArrayBuffer };
    };
    /** loglevel logger: dcmjs reports odd VRs and the like through it */
    log: { setLevel: (level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent') => void };
  };
  export default dcmjs;
}
