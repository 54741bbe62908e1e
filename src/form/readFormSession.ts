// The read form of one open case: loads its schema and the reader's saved answers and
// measurements, keeps every change on this device at once, arms the measuring tools for a form
// item, and hands the validated read to the submit step.
import type { RenderingEngine } from '@cornerstonejs/core';
import { MeasurementSession } from '../measure/measurementSession.ts';
import type { CtVolume } from '../measure/measurementMath.ts';
import { measuredValueMm, type MeasurementKind } from '../measure/measurementModel.ts';
import { useReadFormStore } from '../stores/readFormStore.ts';
import type { LocalDb } from '../storage/localDb.ts';
import type { SrAnswer, SrFormSchema } from '../sr/srModel.ts';
import { validateAnswers, type FormAnswer } from './formLogic.ts';
import { loadFormSchema } from './loadFormSchema.ts';
import { formToSrAnswers } from './formToSr.ts';
import { ReadDraft } from './readDraft.ts';

/** Submit refused: the form has missing or invalid answers (the panel shows which). */
export class ReadIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadIncompleteError';
  }
}

export class ReadFormSession {
  private readonly draft: ReadDraft;
  private measurements: MeasurementSession | null = null;
  private destroyed = false;

  constructor(
    db: LocalDb,
    caseKey: string,
    user: string,
    private readonly formUrl: string | null,
  ) {
    this.draft = new ReadDraft(db, caseKey, user);
  }

  private get store() {
    return useReadFormStore.getState();
  }

  async start(engine: RenderingEngine, elements: Record<string, HTMLDivElement>, mprIds: string[], volume: CtVolume): Promise<void> {
    this.store.set({ schema: null, schemaError: null, answers: {}, showIssues: false, measurements: [], measuring: null, selectedMeasurement: null });
    if (!this.formUrl) return;
    try {
      const [schema, saved] = await Promise.all([loadFormSchema(this.formUrl), this.draft.load()]);
      if (this.destroyed) return;
      this.store.set({ schema, answers: saved.answers, measurements: saved.measurements });
    } catch (err) {
      this.store.set({ schemaError: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.measurements = new MeasurementSession(engine, elements, mprIds, volume, this.draft);
    this.measurements.attach();
  }

  answer(itemId: string, value: FormAnswer): void {
    this.store.setAnswer(itemId, value);
    // An answer typed by hand replaces one a measurement gave: the link goes, the drawing stays.
    const linked = this.store.measurements.find((m) => m.itemId === itemId);
    if (linked && value !== measuredValueMm(linked)) {
      const unlinked = { ...linked, itemId: null };
      this.store.set({ measurements: this.store.measurements.map((m) => (m.id === linked.id ? unlinked : m)) });
      void this.draft.saveMeasurement(unlinked);
    }
    void this.draft.saveAnswer(itemId, value).catch((err: unknown) => this.store.set({ schemaError: `Your answer could not be saved on this device: ${err instanceof Error ? err.message : String(err)}` }));
  }

  /** Arms a measuring tool; with an item, the measurement fills that item. */
  measure(kind: MeasurementKind, itemId: string | null): void {
    this.store.set({ measuring: { kind, itemId } });
  }

  jumpToItem(itemId: string): void {
    const m = this.store.measurements.find((x) => x.itemId === itemId);
    if (m) this.measurements?.jumpTo(m.id);
  }

  jumpTo(measurementId: string): void {
    this.measurements?.jumpTo(measurementId);
  }

  removeMeasurement(id: string): void {
    this.measurements?.remove(id);
  }

  /** The form as the SR will hold it; refuses (and shows the issues) while answers are missing. */
  formForSubmit(): { schema: SrFormSchema; answers: SrAnswer[] } | undefined {
    const { schema, answers, measurements, schemaError } = this.store;
    if (!this.formUrl) return undefined;
    if (!schema) throw new ReadIncompleteError(`Not submitted: the read form is not available (${schemaError ?? 'still loading'}).`);
    const issues = validateAnswers(schema, answers);
    if (issues.length > 0) {
      this.store.set({ showIssues: true, panel: 'form' });
      throw new ReadIncompleteError(`Not submitted: the read form needs ${issues.length} more answer${issues.length === 1 ? '' : 's'} (${issues.map((i) => i.label).join(', ')}).`);
    }
    return { schema: { id: schema.schemaId, version: schema.version, title: schema.title }, answers: formToSrAnswers(schema, answers, measurements) };
  }

  destroy(): void {
    this.destroyed = true;
    this.measurements?.destroy();
  }
}
