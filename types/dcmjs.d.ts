// dcmjs ships no type declarations; the project uses a small part of it.
declare module 'dcmjs' {
  const dcmjs: {
    data: {
      DicomMessage: { readFile: (buffer: ArrayBuffer, options?: Record<string, unknown>) => { meta: Record<string, { Value: unknown[] }>; dict: Record<string, { Value?: unknown[] }> } };
      DicomMetaDictionary: { naturalizeDataset: (dict: unknown) => Record<string, unknown> };
    };
  };
  export default dcmjs;
}
