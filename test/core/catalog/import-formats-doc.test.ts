import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { catalogColumns } from '../../../core/catalog/catalog-columns.js';
import { relationColumns } from '../../../core/hierarchy/relation-columns.js';

describe('docs/import-formats.md', () => {
  const doc = readFileSync(new URL('../../../docs/import-formats.md', import.meta.url), 'utf8');

  it('documents every catalog and relation column with its Chinese header and every accepted alias', () => {
    for (const c of [...catalogColumns, ...relationColumns]) {
      expect(doc, c.key).to.include(`\`${c.key}\``);
      expect(doc, c.key).to.include(c.label);
      for (const alias of c.aliases) {
        expect(doc, `${c.key}: ${alias}`).to.include(alias);
      }
      expect(doc, `${c.key} description`).to.include(c.description);
    }
  });

  it('shows the committed sample files', () => {
    for (const name of ['catalog-sample.csv', 'relations-sample.csv']) {
      const sample = readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url), 'utf8').trim();
      expect(doc, name).to.include(sample);
    }
  });
});
