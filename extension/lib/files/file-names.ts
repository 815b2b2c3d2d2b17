/**
 * The name a received file is saved under. The sender chooses the offered name, so it is hostile until made safe:
 * it must not leave the downloads folder, pretend to be another name on screen, hit a name Windows reserves, or
 * land with an extension the system would run or a browser would render as a page. The result is also a name both
 * browsers' downloads APIs take as it is (Chrome refuses an unsafe one, Firefox one its own sanitiser would change).
 *
 * Dangerous extensions are not replaced but neutralised: ".download" is appended ("setup.exe" becomes
 * "setup.exe.download"), the convention browsers use for their own partial downloads, so the user still sees what
 * the file is and must rename it on purpose to run it.
 */

/** Longest name produced, in characters (code points), and in UTF-8 bytes (Linux file systems allow 255). */
export const MAX_SAFE_NAME_LENGTH = 200;
export const MAX_SAFE_NAME_BYTES = 240;
/** Appended to a dangerous extension. */
export const NEUTRAL_SUFFIX = '.download';
/** Replaces a character that may not appear in a name. */
const REPLACEMENT = '_';
/** A longer last part is no extension (and is cut like the rest of the name); a Windows class id (38) is one. */
const MAX_EXTENSION_LENGTH = 40;

/** Characters shown as nothing (or reordering others): bidi controls, zero-width characters, other invisibles. */
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}\p{Cs}]/gu;
/**
 * Characters no file name may hold: controls, line breaks, path separators, what Windows or Chrome refuse, and "%"
 * (both browsers' downloads turn it into "_" themselves, so the name saved would differ from the one given).
 */
const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}/\\<>:"|?*~%]/gu;
/** Any white space other than the plain space (Firefox's sanitiser turns it into a space). */
const OTHER_SPACE = /(?! )\s/gu;
/** What a name may not start or end with. */
const EDGES = /^[\s.]+|[\s.]+$/gu;

/** Device names Windows reserves in any directory, with any extension (COM¹ to COM³ too). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$/iu;

/**
 * Extensions a system runs, installs, or opens with script: executables and installers (Windows, macOS, Linux,
 * Android), scripts and shortcuts, and documents a browser renders with script (HTML, SVG, XML). Includes the types
 * Chrome holds as dangerous when a download has no user gesture, so a save through the API never waits for a click.
 */
const DANGEROUS_EXTENSIONS = new Set([
  // Windows executables, installers, shortcuts and scripts
  ...['exe', 'com', 'scr', 'pif', 'bat', 'cmd', 'msi', 'msp', 'mst', 'msc', 'msh', 'msh1', 'msh2', 'mshxml'],
  ...['cpl', 'dll', 'ocx', 'sys', 'drv', 'inf', 'ins', 'isp', 'reg', 'hta', 'lnk', 'url', 'scf', 'local'],
  ...['vb', 'vbs', 'vbe', 'js', 'jse', 'mjs', 'cjs', 'ws', 'wsf', 'wsc', 'wsh', 'ps1', 'ps1xml', 'ps2'],
  ...['ps2xml', 'psc1', 'psc2', 'psd1', 'psm1', 'application', 'appref-ms', 'gadget', 'xbap', 'appx'],
  ...['appxbundle', 'msix', 'msixbundle', 'chm', 'hlp', 'settingcontent-ms', 'library-ms', 'search-ms'],
  ...['searchconnector-ms', 'website', 'diagcab', 'diagcfg', 'diagpkg', 'mof', 'grp', 'job', 'cab', 'jnlp'],
  ...['iso', 'img', 'vhd', 'vhdx', 'udf'],
  // macOS, Linux, Android, cross-platform
  ...['app', 'dmg', 'pkg', 'mpkg', 'command', 'tool', 'workflow', 'terminal', 'scpt', 'scptd', 'osascript'],
  ...['sh', 'bash', 'zsh', 'csh', 'ksh', 'run', 'bin', 'elf', 'deb', 'rpm', 'appimage', 'snap', 'flatpakref'],
  ...['desktop', 'apk', 'aab', 'xapk', 'jar', 'class', 'py', 'pyc', 'pyw', 'pyz', 'pl', 'rb', 'php', 'swf'],
  ...['crx', 'xpi', 'torrent'],
  // Pages and images that carry script when opened in a browser
  ...['html', 'htm', 'shtml', 'xhtml', 'xht', 'mht', 'mhtml', 'svg', 'svgz', 'xml', 'xsl', 'xslt'],
]);

/** Extensions for a name that has none, by offered media type: only harmless ones. */
const EXTENSION_OF_TYPE: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
  'image/heic': 'heic',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/markdown': 'md',
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'application/x-7z-compressed': '7z',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
  'audio/webm': 'weba',
  'audio/flac': 'flac',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/ogg': 'ogv',
  'video/quicktime': 'mov',
};

const encoder = new TextEncoder();

/**
 * A name safe to save under: no path parts (/ \ become _), no control characters (become _), no bidi-override,
 * zero-width or other invisible characters (removed), none of `<>:"|?*~%` (become _), no Windows-reserved device
 * name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CLOCK$, with or without extension: "_" is put in front), no leading or
 * trailing dots or white space, at most MAX_SAFE_NAME_LENGTH characters and MAX_SAFE_NAME_BYTES bytes (the name is
 * cut before its extension, keeping it), never empty ("file"). A dangerous extension (executables, scripts,
 * shortcuts, installers, disk images, HTML, SVG, XML: see DANGEROUS_EXTENSIONS) gets NEUTRAL_SUFFIX appended. A name
 * without an extension gets one from `type` when the type is a common harmless one (image/png: ".png").
 */
export function safeFileName(name: string, type: string): string {
  let cleaned = name
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(FORBIDDEN, REPLACEMENT)
    .replace(OTHER_SPACE, ' ')
    .replace(EDGES, '');
  if (cleaned === '') cleaned = 'file';
  let { stem, extension } = splitExtension(cleaned);
  if (extension === '') {
    const fromType = EXTENSION_OF_TYPE[type.trim().toLowerCase().split(';')[0]?.trim() ?? ''];
    if (fromType) extension = `.${fromType}`;
  }
  if (isDangerous(extension)) extension += NEUTRAL_SUFFIX;
  if (WINDOWS_RESERVED.test(reservedPart(stem))) stem = REPLACEMENT + stem;
  return fit(stem, extension);
}

/** Splits off the last extension (".gz" of "a.tar.gz"), if it is one: short, and not the whole name. */
function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot - 1 > MAX_EXTENSION_LENGTH) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

function isDangerous(extension: string): boolean {
  const bare = extension.slice(1).toLowerCase().trim();
  // Windows runs a class id as an extension ("x.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}").
  return DANGEROUS_EXTENSIONS.has(bare) || (bare.startsWith('{') && bare.endsWith('}'));
}

/** What Windows compares with its device names: the name up to its first dot, without trailing spaces. */
function reservedPart(stem: string): string {
  return (stem.split('.')[0] ?? '').trimEnd();
}

/** Cuts the stem (never inside a character) until stem and extension fit both limits; no dot or space at the cut. */
function fit(stem: string, extension: string): string {
  const characters = Array.from(stem); // code points: a cut never splits a surrogate pair
  const extensionLength = Array.from(extension).length;
  const extensionBytes = encoder.encode(extension).length;
  let bytes = encoder.encode(stem).length;
  const fits = () =>
    characters.length + extensionLength <= MAX_SAFE_NAME_LENGTH &&
    bytes + extensionBytes <= MAX_SAFE_NAME_BYTES;
  if (fits()) return stem + extension;
  while (characters.length > 0 && !fits()) bytes -= encoder.encode(characters.pop()).length;
  const cut = characters.join('').replace(EDGES, '');
  return (cut === '' ? 'file' : cut) + extension;
}
