import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import * as ts from 'typescript';

const SRC = join(__dirname, '..');

/** Every non-test TypeScript file under src/, relative to src/. */
function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(full));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts'))
      out.push(relative(SRC, full));
  }
  return out.sort();
}

const readSource = (file: string) => readFileSync(join(SRC, file), 'utf8');

/** More than this and a class is doing several jobs: split it by responsibility (issue 12). */
const MAX_DEPENDENCIES = 7;

/** Nest-managed classes (@Injectable, @Controller, @Module, @WebSocketGateway) and their constructor arity. */
function injectedClasses(file: string, source: string): Array<{ name: string; params: number }> {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Array<{ name: string; params: number }> = [];
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node)) {
      const managed = (ts.getDecorators(node) ?? []).some((d) =>
        /^@(Injectable|Controller|Module|WebSocketGateway)\b/.test(d.getText(sf)),
      );
      const ctor = node.members.find(ts.isConstructorDeclaration);
      if (managed)
        found.push({
          name: node.name?.text ?? '<anonymous>',
          params: ctor?.parameters.length ?? 0,
        });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('constructor dependencies', () => {
  it(`should let no Nest-managed class inject more than ${MAX_DEPENDENCIES} dependencies`, () => {
    const all = sourceFiles().flatMap((f) =>
      injectedClasses(f, readSource(f)).map((c) => ({ ...c, file: f })),
    );
    // The scan must see the codebase (a broken walk would pass vacuously).
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((c) => c.params > MAX_DEPENDENCIES)).toEqual([]);
  });

  it('should count every constructor parameter of a decorated class, and only decorated classes', () => {
    const src = `
      @Injectable()
      export class Wide {
        constructor(a: A, @Inject(X) b: B, private readonly c: C, d: D, e: E, f: F, g: G, h: H) {}
      }
      @Controller('x') class Narrow { constructor(private readonly a: A) {} }
      class Plain { constructor(a: A, b: B, c: C, d: D, e: E, f: F, g: G, h: H, i: I) {} }
      @Injectable() class NoCtor {}`;
    expect(injectedClasses('x.ts', src)).toEqual([
      { name: 'Wide', params: 8 },
      { name: 'Narrow', params: 1 },
      { name: 'NoCtor', params: 0 },
    ]);
  });
});

/** Small files named for what they hold: a file past this is holding more than one thing. */
const MAX_LINES = 400;

describe('file size', () => {
  it(`should keep every source file within ${MAX_LINES} lines (migrations aside)`, () => {
    const files = sourceFiles().filter((f) => !f.startsWith('database/migrations/'));
    expect(files.length).toBeGreaterThan(100);
    const long = files
      .map((f) => ({ file: f, lines: readSource(f).split('\n').length }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });
});

/** `modules/<name>/…` → `<name>`; anything else (common, config, database) → null. */
const moduleOf = (file: string) => /^modules\/([^/]+)\//.exec(file)?.[1] ?? null;

describe('module boundaries', () => {
  it("should import no function or constant from another module's service file", () => {
    const offences: string[] = [];
    for (const file of sourceFiles()) {
      const sf = ts.createSourceFile(file, readSource(file), ts.ScriptTarget.Latest, true);
      for (const st of sf.statements) {
        if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
        const spec = st.moduleSpecifier.text;
        if (!/^(\.|src\/)/.test(spec) || !spec.endsWith('.service')) continue;
        // `src/…` is the alias for the source root (tsconfig paths), which sourceFiles() is relative to.
        const target = spec.startsWith('src/')
          ? spec.slice('src/'.length)
          : normalize(join(dirname(file), spec));
        if (moduleOf(target) === moduleOf(file)) continue;
        const named = st.importClause?.namedBindings;
        if (!named || !ts.isNamedImports(named)) continue;
        for (const el of named.elements)
          if (/^[a-z]/.test(el.name.text)) offences.push(`${file}: ${el.name.text} from ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
