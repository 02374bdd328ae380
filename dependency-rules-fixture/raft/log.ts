// Breaks raft-imports-nothing-of-ours.
import { API } from '../proto/load';

export const log = API;
