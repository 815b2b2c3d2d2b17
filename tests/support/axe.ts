import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** axe-core's browser bundle, read once. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The rules run: WCAG 2.1 A and AA, and axe's best practices. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  /** Each element that fails, as a CSS selector and what axe says is wrong with it. */
  readonly nodes: readonly { readonly target: string; readonly summary: string }[];
}

/**
 * Runs axe-core on the page as it is now and returns what it finds. The source goes in through evaluate (the
 * DevTools protocol), not a <script> tag: the extension's pages forbid inline scripts (CSP), as they should.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    interface AxeResults {
      violations: {
        id: string;
        impact?: string | null;
        help: string;
        nodes: { target: unknown[]; failureSummary?: string }[];
      }[];
    }
    // Cast: the bundle evaluated above put `axe` on the page's global object.
    const { axe } = globalThis as unknown as {
      axe: { run(context: Document, options: object): Promise<AxeResults> };
    };
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.map(String).join(' '),
        summary: node.failureSummary ?? '',
      })),
    }));
  }, TAGS);
}

/** One line per failing element, for an assertion message a person can act on. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact ?? '?'}): ${node.target}: ${node.summary}`,
      ),
    )
    .join('\n');
}

/** The colour schemes every screen is checked in. */
export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

/**
 * Runs axe on the screen shown with the system in light, then in dark (the extension's pages follow it when no
 * theme was picked), and checks the page's background follows; `each` runs in each scheme after the check (a
 * screenshot, say). Soft: every screen is checked even when one fails. Leaves the page in light.
 */
export async function checkInBothSchemes(
  page: Page,
  screen: string,
  each?: (scheme: Scheme) => Promise<unknown>,
): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect
      .soft(background, `${screen}: ${scheme} background`)
      .toBe(scheme === 'light' ? 'rgb(255, 255, 255)' : 'rgb(18, 20, 24)');
    const violations = await axeViolations(page);
    expect.soft(violations, `${screen} (${scheme}):\n${describeViolations(violations)}`).toEqual([]);
    await each?.(scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
