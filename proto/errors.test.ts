import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { parseErrorTable, renderErrorTable, withErrorTable } from './error-table';
import { ERRORS, type ErrorCode, isErrorCode } from './errors';
import { FLOTILLA_PROTO_PATH } from './load';

const proto = readFileSync(FLOTILLA_PROTO_PATH, 'utf8');
const source = (Object.keys(ERRORS) as ErrorCode[]).map((code) => ({ code, ...ERRORS[code] }));

describe('the error table', () => {
  it("flotilla.proto's comment lists exactly proto/errors.ts's codes, in order, with the same status, retriable, outcome and meaning", () => {
    expect(parseErrorTable(proto)).toEqual(source);
  });

  it('the comment is what npm run proto:gen writes (layout included)', () => {
    expect(withErrorTable(proto)).toBe(proto);
  });

  it('the check sees a changed cell, a reworded meaning and a missing row', () => {
    const flipped = proto.replace(/^(\/\/ {3}DEADLINE_EXCEEDED +TIMEOUT +)yes/m, '$1no ');
    expect(flipped).not.toBe(proto);
    expect(parseErrorTable(flipped)).not.toEqual(source);
    const reworded = proto.replace('the node is stopping; retry elsewhere', 'the node is stopping; retry here');
    expect(parseErrorTable(reworded)).not.toEqual(source);
    const lines = proto.split('\n');
    const row = lines.findIndex((l) => /^\/\/ {3}ALREADY_EXISTS +TOPIC_EXISTS /.test(l));
    const dropped = [...lines.slice(0, row), ...lines.slice(row + 2)].join('\n');
    expect(parseErrorTable(dropped).map((r) => r.code)).not.toContain('TOPIC_EXISTS');
  });

  it('a line in the table that is neither a row nor a meaning is an error naming the line', () => {
    const broken = proto.replace(/^(\/\/ {3}NOT_FOUND +UNKNOWN_TOPIC .*)$/m, '$1\n// stray');
    expect(() => parseErrorTable(broken)).toThrow(/flotilla\.proto:\d+: not a row of the error table: "\/\/ stray"/);
  });

  it('every status is a gRPC status code name, and meanings wrap within 100 columns', () => {
    for (const { code, status } of source) expect(typeof grpc.status[status], code).toBe('number');
    for (const line of renderErrorTable()) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('isErrorCode knows the table and nothing else (not even Object.prototype)', () => {
    expect(isErrorCode('NOT_LEADER')).toBe(true);
    expect(isErrorCode('UNKNOWN_PRODUCER_ID')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });
});
