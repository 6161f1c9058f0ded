// Writes functions/Onboarding/Common/countries.json: the ISO 3166-1 alpha-2 countries and their names in
// English (reports, staff) and in every other language the person's pages speak (French), from the Unicode CLDR (npm package cldr-localenames-modern, pinned in package-lock.json).
// Run after updating that package: node dev/cldr/countries.mjs. dev/cldr/countries.test.mjs checks that
// the committed file is what this script writes, so the names are CLDR's, never edited by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
export const target = new URL('functions/Onboarding/Common/countries.json', root);

// Two-letter CLDR territory codes that are not ISO 3166-1 countries: the EU, the eurozone, the UN,
// outlying Oceania, the pseudo-locales' regions, unknown, and the codes ISO only reserves (Ascension,
// Clipperton, Diego Garcia, Ceuta and Melilla, the Canaries, Tristan da Cunha). Kosovo (XK) stays: the
// EU and CLDR use it.
const notCountries = new Set(['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'ZZ', 'AC', 'CP', 'DG', 'EA', 'IC', 'TA']);

// The languages of functions/Onboarding.Pages/Texts besides English.
export const languages = ['fr'];

function territoriesOf(language) {
  const cldr = JSON.parse(readFileSync(new URL(`node_modules/cldr-localenames-modern/main/${language}/territories.json`, root), 'utf8'));
  const names = cldr.main[language].localeDisplayNames.territories;
  return {
    version: cldr.main[language].identity.version._cldrVersion,
    countries: Object.fromEntries(Object.entries(names)
      .filter(([code]) => /^[A-Z]{2}$/.test(code) && !notCountries.has(code))
      .sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export function build() {
  const pkg = JSON.parse(readFileSync(new URL('node_modules/cldr-localenames-modern/package.json', root), 'utf8'));
  const en = territoriesOf('en');
  // A country CLDR does not name in a language (Sark, CQ, in French) keeps its English name there.
  const other = Object.fromEntries(languages.map((l) => {
    const names = territoriesOf(l).countries;
    return [l, Object.fromEntries(Object.entries(en.countries).map(([code, name]) => [code, names[code] ?? name]))];
  }));
  const files = ['en', ...languages].map((l) => `main/${l}/territories.json`).join(', ');
  return `${JSON.stringify({ source: `CLDR ${en.version} (${pkg.name} ${pkg.version}, ${files})`, countries: en.countries, ...other }, null, 1)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(target, build());
  console.log(`wrote ${fileURLToPath(target)}`);
}
