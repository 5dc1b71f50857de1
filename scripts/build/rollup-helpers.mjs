// Build helpers shared by the packages whose JavaScript rollup writes (core's modules, the CLI's CommonJS bundle).

/**
 * A rollup plugin that strips TypeScript with esbuild, file by file (rollup links the modules). `esbuild` is the
 * calling package's own copy; `define` replaces compile-time constants.
 */
export function typescriptPlugin(esbuild, { define } = {}) {
  return {
    name: 'esbuild-typescript',
    transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      // The compiler options that change emitted code (tsconfig.base.json); esbuild's transform reads no tsconfig.
      const out = esbuild.transformSync(code, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcemap: 'external',
        sourcefile: id,
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, target: 'es2023' } },
        ...(define ? { define } : {}),
      });
      return { code: out.code, map: out.map };
    },
  };
}

/** Every module `from` reaches through static imports (not `import()`), among those `keep` accepts. */
export function staticClosure(from, moduleInfo, keep = () => true) {
  const seen = new Set();
  const visit = (id) => {
    if (seen.has(id) || !keep(id)) return;
    seen.add(id);
    for (const next of moduleInfo(id)?.importedIds ?? []) visit(next);
  };
  for (const id of from) visit(id);
  return seen;
}
