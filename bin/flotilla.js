#!/usr/bin/env node
// The `flotilla` command (npx flotilla ...): runs the TypeScript CLI through tsx's loader.
// `flotilla toxiproxy` (the fault proxy) and `flotilla chaos` (the lab) live in chaos-tests/, which cluster/ must not import.
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'toxiproxy' || process.argv[2] === 'chaos') await import('../chaos-tests/cli.ts');
else await import('../cluster/cli/main.ts');
