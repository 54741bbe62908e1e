// Waits until a page paints frames promptly again: after a series opens, the 3D view's first
// frame takes tens of seconds of software WebGL here, and input or screenshots wait for it.
import type { Page } from 'playwright-core';

export async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(700);
  // A string: tsx would wrap a named helper inside the page function in its own __name().
  await page.evaluate(`(async () => {
    for (let n = 0; n < 200; n++) {
      const a = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      const b = await new Promise((r) => requestAnimationFrame(() => r(performance.now())));
      if (b - a < 40) return;
    }
  })()`);
}
