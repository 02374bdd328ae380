/**
 * `npm run proto:gen`: writes what is derived from the protos and the error table, so that it is
 * never kept by hand:
 *   - the error table in the comment at the top of flotilla.proto, from proto/errors.ts.
 * Run it after editing either; proto/errors.test.ts fails until it has been run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withErrorTable } from './error-table';
import { FLOTILLA_PROTO_PATH } from './load';

const proto = readFileSync(FLOTILLA_PROTO_PATH, 'utf8');
const updated = withErrorTable(proto, FLOTILLA_PROTO_PATH);
if (updated !== proto) {
  writeFileSync(FLOTILLA_PROTO_PATH, updated);
  console.log(`wrote the error table in ${FLOTILLA_PROTO_PATH}`);
}
