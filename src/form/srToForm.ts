// A read's SR answers back as the form's answers (the inverse of formToSr.ts): a coded choice as
// the choice whose code it is, a number as the number, text as text. Answers the schema has no
// item or choice for are left out (another version of the form).
import type { SrAnswer } from '../sr/srModel.ts';
import type { FormAnswers } from './formLogic.ts';
import { findItem, type FormSchema } from './formSchema.ts';

export function srToFormAnswers(schema: FormSchema, answers: SrAnswer[]): FormAnswers {
  const out: FormAnswers = {};
  for (const a of answers) {
    const item = findItem(schema, a.itemId);
    if (!item) continue;
    if (item.type === 'choice' && a.kind === 'code') {
      const choice = item.choices.find((c) => c.code.value === a.value.value && c.code.scheme === a.value.scheme);
      if (choice) out[a.itemId] = choice.value;
    } else if ((item.type === 'number' || item.type === 'measurement') && a.kind === 'num') out[a.itemId] = a.value;
    else if (item.type === 'text' && a.kind === 'text') out[a.itemId] = a.value;
  }
  return out;
}
