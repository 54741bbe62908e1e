// The read form on screen: its schema, the reader's answers, whether missing answers are shown,
// and the measurements drawn on the views (with the measuring tool that is active, if any).
import { create } from 'zustand';
import type { FormSchema } from '../form/formSchema.ts';
import type { FormAnswer, FormAnswers } from '../form/formLogic.ts';
import type { Measurement, MeasurementKind } from '../measure/measurementModel.ts';

export interface ReadFormState {
  schema: FormSchema | null;
  schemaError: string | null;
  answers: FormAnswers;
  showIssues: boolean;
  measurements: Measurement[];
  /** the measuring tool armed on the views, and the form item it will fill */
  measuring: { kind: MeasurementKind; itemId: string | null } | null;
  selectedMeasurement: string | null;
  /** which side panel the reader looks at */
  panel: 'segments' | 'form' | 'quant';
  set: (patch: Partial<ReadFormState>) => void;
  setAnswer: (itemId: string, value: FormAnswer) => void;
}

export const useReadFormStore = create<ReadFormState>((set) => ({
  schema: null,
  schemaError: null,
  answers: {},
  showIssues: false,
  measurements: [],
  measuring: null,
  selectedMeasurement: null,
  panel: 'segments',
  set: (patch) => set(patch),
  setAnswer: (itemId, value) => set((s) => ({ answers: { ...s.answers, [itemId]: value } })),
}));
