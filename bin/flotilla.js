#!/usr/bin/env node
// The `flotilla` command (npx flotilla ...): runs the TypeScript CLI through tsx's loader.
// `flotilla toxiproxy` is the chaos lab's fault proxy; it lives in chaos-tests/, which cluster/ must not import.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'toxiproxy') await import('../chaos-tests/cli.ts');
else await import('../cluster/cli/main.ts');
