import { Component, h, type FunctionComponent } from 'preact';

/** Whether two props objects hold the same values, one level deep. */
function sameProps(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  for (const key in left) if (!(key in right) || !Object.is(left[key], right[key])) return false;
  for (const key in right) if (!(key in left)) return false;
  return true;
}

/**
 * `render`, rendered again only when one of its props changed (one level deep), as preact/compat's memo does.
 * Not compat's: importing preact/compat puts React's shims on every element Preact creates, which measured about a
 * sixth of rendering an opening conversation (issue 13's bench), on the thread the engine shares.
 */
export function memo<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !sameProps(this.props, next);
    }
    override render(props: P) {
      return h(render, props);
    }
  }
  // A class is what Preact renders it as; callers use it as the function component it wraps.
  return Memo as unknown as FunctionComponent<P>;
}
