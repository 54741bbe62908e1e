// A coded concept as DICOM writes one (PS3.3 8.8, the Code Sequence Macro): Code Value, Coding
// Scheme Designator and Code Meaning. Segments, SR items and form answers all carry these.
export interface CodedConcept {
  value: string;
  scheme: string;
  meaning: string;
}
