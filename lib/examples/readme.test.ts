// The README's "Testing your code against kubets" examples are these files, byte for byte:
// conformance/library/pack.test.ts runs the files, so the README shows what CI runs.
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
const HEADING = '## Testing your code against kubets';

/** The js code blocks of the section that starts at HEADING (up to the next heading of its level). */
export function sectionCode(markdown: string): string[] | undefined {
  const start = markdown.indexOf(`${HEADING}\n`);
  if (start < 0) return undefined;
  const rest = markdown.slice(start + HEADING.length);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return [...section.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const examples = readdirSync(HERE).filter((f) => f.endsWith('.mjs')).sort();

test('the section text in lib/examples/README.md quotes every example file, unchanged', (t) => {
  const blocks = sectionCode(readFileSync(join(HERE, 'README.md'), 'utf8'));
  t.deepEqual(blocks?.slice().sort(), examples.map((f) => readFileSync(join(HERE, f), 'utf8')).sort());
});

test(`the top-level README's "${HEADING.slice(3)}" quotes the same files`, (t) => {
  const topLevel = sectionCode(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  t.truthy(topLevel, 'the top-level README has the section');
  t.deepEqual(topLevel?.slice().sort(), examples.map((f) => readFileSync(join(HERE, f), 'utf8')).sort());
});

test('sectionCode finds only the js blocks of that section', (t) => {
  const md = `# x\n${HEADING}\ntext\n\`\`\`sh\nnpm i\n\`\`\`\n\`\`\`js\na();\n\`\`\`\n## Next\n\`\`\`js\nb();\n\`\`\`\n`;
  t.deepEqual(sectionCode(md), ['a();\n']);
  t.is(sectionCode('# nothing here\n'), undefined);
});
