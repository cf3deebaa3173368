// Builds the single-page app of `specbound serve` into <package>/web-dist (run by `npm run build`).
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../web-dist', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: 'es' },
  // The page renders figures with the browser's DOM; linkedom (headless SVG for reports) stays out.
  resolve: { alias: { linkedom: fileURLToPath(new URL('./linkedom-stub.ts', import.meta.url)) } },
});
