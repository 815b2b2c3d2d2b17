/**
 * Fewer files for the extension's pages to load. The pages (popup, options, share, call and the engine's document)
 * share modules; by default each set of pages sharing some gets its own chunk, so popup.html loaded eleven files,
 * and each file an extension page loads costs it time before its script runs (issue 13: the popup opens a long
 * conversation in under 100 ms). What the pages load at once is grouped by the pages that use it, and a group
 * smaller than MERGE_BELOW joins its nearest neighbour: a page may load a little code it does not run, in fewer
 * files. Only the pages' build splits code (the background and content scripts are single files).
 */
import type { Plugin } from 'vite';

/** Shared code below this size (bytes, before minifying) goes in with a neighbouring group rather than alone. */
const MERGE_BELOW = 40_000;

export function pageChunks(): Plugin {
  return {
    name: 'toolbar-messenger:page-chunks',
    outputOptions(options) {
      if (options.format !== 'es') return null;
      return {
        ...options,
        codeSplitting: { experimentalInlineCommonChunks: { maxSize: MERGE_BELOW } },
      };
    },
  };
}
