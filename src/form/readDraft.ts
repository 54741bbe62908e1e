// The read form's answers and measurements on this device: each answer is written the moment it
// changes (a row per item), each measurement as it is made, so a reload or a crash loses nothing.
import type { FormAnswer, FormAnswers } from './formLogic.ts';
import type { Measurement } from '../measure/measurementModel.ts';
import type { LocalDb } from '../storage/localDb.ts';

export class ReadDraft {
  constructor(
    private readonly db: LocalDb,
    private readonly caseKey: string,
    private readonly user: string,
  ) {}

  async load(): Promise<{ answers: FormAnswers; measurements: Measurement[] }> {
    const key = [this.caseKey, this.user];
    const [rows, measured] = await Promise.all([
      this.db.formAnswers.where('[caseKey+user]').equals(key).toArray(),
      this.db.measurements.where('[caseKey+user]').equals(key).toArray(),
    ]);
    const answers: FormAnswers = {};
    for (const r of rows) answers[r.itemId] = r.value as FormAnswer;
    return { answers, measurements: measured.map((m) => m.measurement).sort((a, b) => a.createdAt - b.createdAt) };
  }

  saveAnswer(itemId: string, value: FormAnswer): Promise<unknown> {
    return this.db.formAnswers.put({ caseKey: this.caseKey, user: this.user, itemId, value, updatedAt: Date.now() });
  }

  saveMeasurement(measurement: Measurement): Promise<unknown> {
    return this.db.measurements.put({ caseKey: this.caseKey, user: this.user, id: measurement.id, measurement });
  }

  deleteMeasurement(id: string): Promise<void> {
    return this.db.measurements.delete([this.caseKey, this.user, id]);
  }
}
