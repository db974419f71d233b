// Piscina worker file. Worker threads do not inherit the parent's TypeScript loader (the CLI's tsx
// registration or vitest's transform), so the worker registers tsx itself before loading the TS entry.
import { register } from 'tsx/esm/api';

register();
const entry = await import('./worker-entry.ts');
export default entry.default;
