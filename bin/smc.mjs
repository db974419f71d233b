#!/usr/bin/env node
// The published entry point runs the TypeScript sources through tsx, so there is no build step
// between a clone and a working `smc`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
