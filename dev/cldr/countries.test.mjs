// The service's country names are CLDR's: the committed file is exactly what dev/cldr/countries.mjs writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { build, languages, target } from './countries.mjs';

test('countries.json is generated from the pinned CLDR package, not edited by hand', () => {
  assert.equal(readFileSync(target, 'utf8'), build(), 'run: node dev/cldr/countries.mjs');
});

test('countries.json holds the countries and none of the non-country territories', () => {
  const { countries } = JSON.parse(build());
  assert.equal(countries.DE, 'Germany');
  assert.equal(countries.GB, 'United Kingdom');
  assert.ok(Object.keys(countries).length > 240);
  for (const code of ['EU', 'UN', 'ZZ', '001']) assert.equal(countries[code], undefined, code);
});

test('countries.json names the same countries in every language of the pages', () => {
  const file = JSON.parse(build());
  for (const language of languages) {
    assert.deepEqual(Object.keys(file[language]), Object.keys(file.countries), language);
  }
  assert.equal(file.fr.DE, 'Allemagne');
  assert.equal(file.fr.BE, 'Belgique');
});
