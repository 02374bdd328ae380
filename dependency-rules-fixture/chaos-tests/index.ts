// Breaks chaos-tests-use-only-the-public-client-and-cli.
import { node } from '../cluster/node';

export const lab = node;
