/**
 * The TypeScript examples in README.md and docs/*.md are what a newcomer
 * copies first: each one must compile, strict, against the package's own
 * types (the built `dist/nodes/index.d.ts`, as `node-red-contrib-fulfillment`
 * resolves once installed).
 */
import assert from 'assert';
import fs from 'fs';
import os from 'os';
import path from 'path';
import ts from 'typescript';

const root = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(root, 'dist', 'nodes', 'index');

function snippets(): Array<{ name: string; code: string }> {
  const files = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
  const out: Array<{ name: string; code: string }> = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8');
    let k = 0;
    for (const m of text.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
      out.push({ name: `${f.replace(/[/.]/g, '-')}-${k++}.ts`, code: m[1] });
    }
  }
  return out;
}

describe('the TypeScript examples of the README and the guides', function () {
  this.timeout(120_000);

  it('compile (strict) against the package\'s own types', () => {
    const list = snippets();
    assert.ok(list.some((s) => s.name.startsWith('README')), 'the README has a TypeScript example');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fulfillment-snippets-'));
    try {
      const names = list.map((s) => {
        const file = path.join(dir, s.name);
        // A module of its own (top-level await), importing the built package.
        fs.writeFileSync(file, `export {};\n${s.code.split("'node-red-contrib-fulfillment'").join(JSON.stringify(entry))}`);
        return file;
      });
      const program = ts.createProgram(names, {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ES2022,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file && d.start !== undefined ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line}` : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
      assert.deepStrictEqual(problems, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
