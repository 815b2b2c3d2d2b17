import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/**
 * Checks for text a hostile contact chose (a name, a bio, a message, a file's name): shown as the characters typed,
 * never as markup. The popup's CSP already blocks inline scripts and handlers, so "no flag was set" alone would
 * pass even if markup were injected: the checks look at the DOM itself.
 */

/** Markup that would run, load or navigate if it were parsed: none of it may exist in the popup. */
const ACTIVE_MARKUP =
  'script:not([src]), iframe, frame, object, embed, base, meta[http-equiv], [onerror], [onload], [onclick], [onmouseover], [srcdoc]';
/** What a link may point to: the web, or the extension's own pages. */
const SAFE_LINK_PROTOCOLS = ['http:', 'https:', 'chrome-extension:', 'moz-extension:'];
/** Where a picture or a sound may come from: bytes the extension holds (never the network, nor a relative path). */
const SAFE_SOURCE_PROTOCOLS = ['data:', 'blob:'];
const MEDIA = 'img, picture source, video, audio, track, input[type="image"]';

/** The text shown, once it shows, checked to be one run of text: no element inside. */
export async function textOnly(locator: Locator): Promise<string> {
  await locator.waitFor();
  const text = (await locator.textContent()) ?? '';
  expect(await locator.locator('*').count(), `elements inside the text "${text}"`).toBe(0);
  return text;
}

/** Shown exactly as `text`, as one run of text: no element inside. */
export async function expectLiteral(locator: Locator, text: string): Promise<void> {
  expect(await textOnly(locator)).toBe(text);
}

/** What a page holds that hostile text could have made: active markup, links elsewhere, the payloads' flags set. */
export async function activeContent(
  page: Page,
  flags: readonly string[],
): Promise<{ markup: string[]; links: string[]; sources: string[]; flags: string[] }> {
  return page.evaluate(
    ({ selector, media, linkProtocols, sourceProtocols, names }) => {
      // Parsed on their own: a relative address (src=x) would take the page's protocol, and counts as outside.
      const outside = (urls: string[], protocols: string[]): string[] =>
        urls.filter((url) => !URL.canParse(url) || !protocols.includes(new URL(url).protocol));
      return {
        markup: Array.from(document.querySelectorAll(selector), (element) => element.outerHTML),
        links: outside(
          Array.from(document.querySelectorAll('a[href]'), (link) => link.getAttribute('href') ?? ''),
          linkProtocols,
        ),
        sources: outside(
          Array.from(document.querySelectorAll(media), (element) => element.getAttribute('src') ?? ''),
          sourceProtocols,
        ),
        flags: names.filter((name) => name in globalThis),
      };
    },
    {
      selector: ACTIVE_MARKUP,
      media: MEDIA,
      linkProtocols: SAFE_LINK_PROTOCOLS,
      sourceProtocols: SAFE_SOURCE_PROTOCOLS,
      names: [...flags],
    },
  );
}

/**
 * The page holds no active markup, no link but to the web or the extension, no picture from elsewhere, and no
 * payload's flag is set.
 */
export async function expectInert(page: Page, flags: readonly string[]): Promise<void> {
  expect(await activeContent(page, flags)).toEqual({ markup: [], links: [], sources: [], flags: [] });
}
