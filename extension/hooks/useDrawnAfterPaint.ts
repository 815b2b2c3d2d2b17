import { useEffect, useState } from 'preact/hooks';

/**
 * Whether a part of the page that is out of sight may be drawn: at once while `needed`, else from the render after
 * the first paint (an effect's: Preact runs them once the frame is painted). The popup opens on a conversation with
 * the list behind it: drawn with the conversation, a long list of contacts would cost its first frame for nothing
 * on screen.
 */
export function useDrawnAfterPaint(needed: boolean): boolean {
  const [drawn, setDrawn] = useState(needed);
  useEffect(() => setDrawn(true), []);
  return drawn || needed;
}
