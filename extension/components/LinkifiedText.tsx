/**
 * Web addresses in a message's text. Only http and https (never javascript:, data: or anything a click could
 * run); a trailing dot, comma or closing bracket is the sentence's, not the address's.
 */
const LINK = /\bhttps?:\/\/[^\s<>"'`]+/giu;
const TRAILING = /[.,;:!?'")\]}»”’]+$/u;

export type TextPart =
  { readonly text: string; readonly href?: undefined } | { readonly text: string; readonly href: string };

/** The text cut into plain runs and links, in order; joined, the parts are the text again. */
export function linkParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(LINK)) {
    const found = match[0].replace(TRAILING, '');
    const index = match.index;
    // An address the browser would not parse stays text.
    if (!URL.canParse(found)) continue;
    if (index > at) parts.push({ text: text.slice(at, index) });
    parts.push({ text: found, href: found });
    at = index + found.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/**
 * A message's text, as text (Preact sets it as text nodes, never as HTML), with its web addresses as links that
 * open in a new tab, without this page as their opener or referrer. Nothing is fetched: no preview.
 */
export function LinkifiedText({ text }: { readonly text: string }) {
  // Most messages hold no address: then one text node, and no array to build.
  if (!text.includes('://')) return <>{text}</>;
  return (
    <>
      {linkParts(text).map((part, index) =>
        part.href === undefined ? (
          part.text
        ) : (
          <a key={index} href={part.href} target="_blank" rel="noopener noreferrer" class="log-link">
            {part.text}
          </a>
        ),
      )}
    </>
  );
}
