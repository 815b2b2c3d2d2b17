/** Only data: URLs of the two picture types the engine checked and built; anything else is not shown. */
const SAFE_AVATAR = /^data:image\/(jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * A contact's (or our own) picture, or nothing. Decorative by default (`alt=""`): a name always stands beside it.
 */
export function Avatar({ src, label = '', size = 24 }: { src?: string; label?: string; size?: number }) {
  if (!src || !SAFE_AVATAR.test(src)) return null;
  return <img class="avatar" src={src} alt={label} width={size} height={size} data-testid="avatar" />;
}
