#!/usr/bin/env node
// The `flotilla` command (npx flotilla ...): runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../cluster/cli/main.ts');
