import { Icon } from './Icon';

/** Only data: URLs of the two picture types the engine checked and built; anything else is not shown. */
const SAFE_AVATAR = /^data:image\/(jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** Up to two letters of a name: its first two words' first letters, else its first letter. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
  return letters
    .map((word) => (word ? (Array.from(word)[0] ?? '') : ''))
    .join('')
    .toLocaleUpperCase();
}

/** A stable hue for a name, so the same person keeps the same colour of initials. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}

interface Props {
  readonly src?: string | undefined;
  /** Alternative text for a picture that is not beside its name; decorative ('') by default. */
  readonly label?: string;
  readonly size?: number;
  /** With a name, someone without a (valid) picture gets their initials; without, nothing is shown. */
  readonly name?: string;
  /** A room: a group mark rather than initials. */
  readonly group?: boolean;
}

/**
 * A contact's (or our own, or a room's) picture, or their initials. Decorative by default: a name always stands
 * beside it.
 */
export function Avatar({ src, label = '', size = 24, name, group = false }: Props) {
  if (src && SAFE_AVATAR.test(src))
    return <img class="avatar" src={src} alt={label} width={size} height={size} data-testid="avatar" />;
  if (name === undefined) return null;
  const style = { width: `${size}px`, height: `${size}px`, '--avatar-hue': String(hueOf(name)) };
  return (
    // The letters are drawn from an attribute (style.css): decoration, not text a name is read or matched from.
    <span
      class="avatar avatar-initials"
      style={style}
      aria-hidden="true"
      data-initials={group ? undefined : initialsOf(name)}
    >
      {group && <Icon name="users" size={Math.round(size * 0.55)} />}
    </span>
  );
}
