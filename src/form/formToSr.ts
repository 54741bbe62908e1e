// The reader's answers as the SR's content items: a choice as its coded value, a number with its
// UCUM unit (and, when a measurement gave it, the measurement's points), text as text. Only items
// shown and answered go in (DICOM has no empty CODE, NUM or TEXT item), in form order.
import type { SrAnswer } from '../sr/srModel.ts';
import type { Measurement } from '../measure/measurementModel.ts';
import { answersToSubmit, type FormAnswers } from './formLogic.ts';
import { findItem, type FormSchema } from './formSchema.ts';

export function formToSrAnswers(schema: FormSchema, answers: FormAnswers, measurements: Measurement[]): SrAnswer[] {
  const out: SrAnswer[] = [];
  for (const [itemId, value] of Object.entries(answersToSubmit(schema, answers))) {
    const item = findItem(schema, itemId);
    if (!item || value === null) continue;
    if (item.type === 'choice') {
      const choice = item.choices.find((c) => c.value === value);
      if (choice) out.push({ itemId, concept: item.concept, kind: 'code', value: choice.code });
    } else if (item.type === 'text') {
      out.push({ itemId, concept: item.concept, kind: 'text', value: String(value) });
    } else {
      const answer: SrAnswer = { itemId, concept: item.concept, kind: 'num', value: Number(value), unit: item.unit };
      const m = item.type === 'measurement' ? measurements.find((x) => x.itemId === itemId) : undefined;
      if (m) {
        answer.measurement = {
          graphicType: m.kind === 'length' ? 'POLYLINE' : 'ELLIPSE',
          points: m.points.map((p) => [p[0], p[1], p[2]] as [number, number, number]),
        };
      }
      out.push(answer);
    }
  }
  return out;
}
