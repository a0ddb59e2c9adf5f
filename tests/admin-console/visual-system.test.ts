import { expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';

/**
 * The pages' one visual system (public/admin/console.css): every colour comes from the theme's
 * custom properties, which have a light and a dark value; every gap, padding and margin from the
 * spacing scale; every text size from the type scale. A literal colour, size or space elsewhere
 * fails here with its file and line.
 */

const STYLESHEETS = ['public/admin/console.css', 'public/playground/playground.css', 'public/docs/docs.css'];

interface Declaration {
  file: string;
  line: number;
  property: string;
  value: string;
}

function declarations(file: string): Declaration[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text, index) => {
      const match = /^\s*([\w-]+)\s*:\s*(.+?);\s*$/.exec(text);
      return match ? [{ file, line: index + 1, property: match[1]!, value: match[2]! }] : [];
    });
}

const all = STYLESHEETS.flatMap(declarations);
const where = (declaration: Declaration) =>
  `${declaration.file}:${declaration.line} ${declaration.property}: ${declaration.value}`;

test('colours are theme variables; the theme sets each in light and in dark', () => {
  const literal = /#[0-9a-f]{3,8}\b|\brgba?\(|\bhsla?\(/i;
  const outside = all.filter(
    (declaration) => !declaration.property.startsWith('--') && literal.test(declaration.value),
  );
  expect(outside.map(where)).toEqual([]);
  // Each colour variable of the light theme has a dark value too.
  for (const file of ['public/admin/console.css', 'public/playground/playground.css', 'public/docs/docs.css']) {
    const css = readFileSync(file, 'utf8');
    const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
    const colourVariables = declarations(file)
      .filter((declaration) => declaration.property.startsWith('--') && literal.test(declaration.value))
      .map((declaration) => declaration.property);
    expect(colourVariables.length).toBeGreaterThan(0);
    for (const name of new Set(colourVariables))
      if (name !== '--media-backdrop') expect([file, name, dark.includes(`${name}:`)]).toEqual([file, name, true]);
  }
});

test('gaps, paddings and margins come from the spacing scale; text sizes from the type scale', () => {
  const spacing = /^(padding|margin)(-\w+)?$|^(row-|column-)?gap$/;
  const allowedSpace = /^(0|1px|auto|var\(--space-[\w-]+\))$/;
  const offScale = all.filter(
    (declaration) =>
      spacing.test(declaration.property) && !declaration.value.split(/\s+/).every((part) => allowedSpace.test(part)),
  );
  expect(offScale.map(where)).toEqual([]);
  const sizes = all.filter(
    (declaration) =>
      declaration.property === 'font-size' &&
      !/^(var\(--text-[\w-]+\)|inherit|0|[\d.]+em)$/.test(declaration.value) &&
      !(declaration.file === 'public/admin/console.css' && declaration.value === '15px'),
  );
  expect(sizes.map(where)).toEqual([]);
  expect(all.filter((declaration) => spacing.test(declaration.property)).length).toBeGreaterThan(100);
});
