import type { node } from '../node';

export const peers = 1;
export type Node = typeof node;
