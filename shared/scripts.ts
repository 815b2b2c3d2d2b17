/**
 * Unicode scripts (UTS #39, section 5.1 "mixed-script detection"): a text is single-script when some script is
 * shared by every character's Script_Extensions, characters of Common or Inherited (digits, punctuation, emoji,
 * combining marks) going with any script, and Han going with Hiragana and Katakana (Japanese), Hangul (Korean)
 * and Bopomofo (Chinese) as Unicode's "augmented" sets do.
 */

/** ISO 15924 codes of the scripts Unicode 15.1 assigns (not Common, Inherited or Unknown). */
const SCRIPTS =
  `Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Bhks Bopo Brah Brai Bugi Buhd Cakm Cans
  Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Geor Glag Gong Gonm Goth
  Gran Grek Gujr Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj
  Kits Knda Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero
  Mlym Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Orkh Orya Osge Osma Ougr Palm
  Pauc Perm Phag Phli Phlp Phnx Plrd Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sind Sinh Sogd Sogo
  Sora Soyo Sund Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Toto Ugar
  Vaii Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb`.split(/\s+/);

/** The writing systems a script belongs to besides itself (UTS #39: Jpan, Kore, Hanb). */
const AUGMENTED: Readonly<Record<string, readonly string[]>> = {
  Hani: ['Jpan', 'Kore', 'Hanb'],
  Hira: ['Jpan'],
  Kana: ['Jpan'],
  Hang: ['Kore'],
  Bopo: ['Hanb'],
};

const COMMON_OR_INHERITED = /^[\p{Script=Zyyy}\p{Script=Zinh}]$/u;

let matchers: readonly (readonly [string, RegExp])[] | undefined;
/** One regex per script, built once; a script this JavaScript engine's Unicode does not know yet is skipped. */
function scriptMatchers(): readonly (readonly [string, RegExp])[] {
  matchers ??= SCRIPTS.flatMap((script) => {
    try {
      return [[script, new RegExp(`^\\p{Script_Extensions=${script}}$`, 'u')] as const];
    } catch {
      return [];
    }
  });
  return matchers;
}

/** Answers of scriptsOf by character: each costs a test against every script's regex, and names repeat letters. */
const known = new Map<string, ReadonlySet<string> | 'any'>();
/** Distinct characters remembered; past it (text of many scripts) answers are computed each time, never dropped. */
const MAX_KNOWN_CHARACTERS = 4096;

/** The scripts `char` (one code point) is written in, augmented; `any` for Common and Inherited characters. */
export function scriptsOf(char: string): ReadonlySet<string> | 'any' {
  const remembered = known.get(char);
  if (remembered) return remembered;
  const scripts = computeScriptsOf(char);
  if (known.size < MAX_KNOWN_CHARACTERS) known.set(char, scripts);
  return scripts;
}

function computeScriptsOf(char: string): ReadonlySet<string> | 'any' {
  const scripts = scriptMatchers()
    .filter(([, pattern]) => pattern.test(char))
    .flatMap(([script]) => [script, ...(AUGMENTED[script] ?? [])]);
  if (scripts.length === 0 && COMMON_OR_INHERITED.test(char)) return 'any';
  return new Set(scripts); // empty for an unassigned character or an unknown script: it goes with nothing
}

const intersection = (a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> =>
  new Set([...a].filter((item) => b.has(item)));

/** The scripts every character of `chars` is written in (augmented); `any` when all are Common or Inherited. */
function sharedScripts(chars: Iterable<string>): ReadonlySet<string> | 'any' {
  let shared: ReadonlySet<string> | 'any' = 'any';
  for (const char of chars) {
    const scripts = scriptsOf(char);
    if (scripts === 'any') continue;
    shared = shared === 'any' ? scripts : intersection(shared, scripts);
    if (shared.size === 0) break;
  }
  return shared;
}

const LATIN = /^\p{Script_Extensions=Latn}$/u;

/**
 * Whether `text` passes UTS #39's "highly restrictive" level: one script (see above), or Latin with one of
 * Japanese, Korean or Chinese ("Zoë 李"), which are often written together. Latin with Cyrillic or Greek is not:
 * those scripts have the letters that look alike.
 */
export function isHighlyRestrictive(text: string): boolean {
  const all = sharedScripts(text);
  if (all === 'any' || all.size > 0) return true;
  const rest = sharedScripts(Array.from(text).filter((char) => !LATIN.test(char))); // by code point, as scripts go
  return rest !== 'any' && ['Jpan', 'Kore', 'Hanb'].some((script) => rest.has(script));
}
