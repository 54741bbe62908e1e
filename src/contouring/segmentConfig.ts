// Loads the study's configuration (public/study-config.json) in the browser. What a valid one is,
// and its types, are the model's: src/model/studyConfig.ts (parseStudyConfig) and
// src/model/segment.ts; this module is only the fetch.
import { StudyConfigError, parseStudyConfig, type StudyConfig } from '../model/studyConfig.ts';

export async function loadStudyConfig(url = '/study-config.json'): Promise<StudyConfig> {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new StudyConfigError(`the study configuration could not be loaded (HTTP ${response.status})`);
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new StudyConfigError('the study configuration is not valid JSON');
  }
  return parseStudyConfig(json);
}
