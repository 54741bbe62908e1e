// The read form from the test's side: answering the required items the way a reader does (the
// form must be complete before a read can be submitted), and reading answers back.
import { expect, type Page } from '@playwright/test';

export async function showPanel(page: Page, panel: 'segments' | 'form'): Promise<void> {
  await page.locator(`.side-tabs [data-panel="${panel}"]`).click();
}

/** Answers the default form's required items, then goes back to the segment editor. */
export async function answerRequiredItems(page: Page): Promise<void> {
  await showPanel(page, 'form');
  await page.locator('input[name="covid_pattern"][value="typical"]').check();
  await page.locator('input[name="pneumonia_extent"][value="under10"]').check();
  await expect(page.locator('input[name="pneumonia_extent"][value="under10"]')).toBeChecked();
  await showPanel(page, 'segments');
}
