/**
 * Two rewrites of library code at build time, so that Mozilla's linter (web-ext lint) has nothing to warn about
 * in the bundles and no reviewer has to take our word for it:
 * - engine.io-client finds the global object with `Function("return this")()` when there is neither `self` nor
 *   `window` (never so in a browser): `globalThis` instead.
 * - Preact's `dangerouslySetInnerHTML` assigns `innerHTML`. This project never sets markup from data (hostile
 *   text must render inert): the prop, should anyone ever use it, sets text instead.
 * Each rewrite must find its text; a library update that moves it fails the build rather than bring back the code.
 */
import type { Plugin } from 'vite';

interface Rewrite {
  readonly module: RegExp;
  readonly from: string;
  readonly to: string;
}

const REWRITES: readonly Rewrite[] = [
  {
    module: /engine\.io-client[\\/]build[\\/]esm[\\/]globals\.js$/,
    from: 'Function("return this")()',
    to: 'globalThis',
  },
  { module: /preact[\\/]dist[\\/]preact\.mjs$/, from: 't.innerHTML=h.__html', to: 't.textContent=h.__html' },
];

export function lintClean(): Plugin {
  return {
    name: 'toolbar-messenger:lint-clean',
    enforce: 'pre',
    transform(code, id) {
      const rewrite = REWRITES.find(({ module }) => module.test(id.split('?')[0] ?? id));
      if (!rewrite) return undefined;
      if (!code.includes(rewrite.from))
        this.error(`lint-clean: "${rewrite.from}" is no longer in ${id}: update build/lint-clean.ts`);
      return { code: code.replaceAll(rewrite.from, rewrite.to), map: null };
    },
  };
}
