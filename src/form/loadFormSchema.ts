// Fetches and checks a study's read form schema; a broken file gives a message, not a blank panel.
import { FormSchemaError, parseFormSchema, type FormSchema } from './formSchema.ts';

export async function loadFormSchema(url: string): Promise<FormSchema> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new FormSchemaError([`the form ${url} could not be loaded (HTTP ${response.status})`]);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new FormSchemaError([`the form ${url} is not valid JSON`]);
  }
  return parseFormSchema(json);
}
