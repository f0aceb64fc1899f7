import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/*
 * The monitor page's bundle: one script and one stylesheet with fixed names in dist/monitor/.
 * The gateway serves them through the same hashed-URL, compressed, immutable-cache machinery as
 * GraphiQL's files (src/monitor/), and renders the HTML itself, so no index.html is built here.
 * Preact's JSX through esbuild: no Babel preset needed.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/monitor/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    cssCodeSplit: false,
    modulePreload: false,
    rollupOptions: {
      input: fileURLToPath(new URL('./src/main.tsx', import.meta.url)),
      output: { entryFileNames: 'monitor.js', assetFileNames: 'monitor[extname]', format: 'es' },
    },
  },
});
