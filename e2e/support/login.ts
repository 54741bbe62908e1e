// A user logged in through the login screen, in a browser context of their own.
import { expect, type Browser, type Page } from '@playwright/test';
import { TEST_PASSWORD } from './studyAdmin.ts';

export async function loginAs(browser: Browser, base: string, username: string, password = TEST_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('user-menu').first()).toBeVisible();
  return page;
}
