// Breaks folders-are-imported-through-their-face; with transport/peers.ts, a cycle of modules and of folders.
import { peers } from '../transport/peers';

export const node = peers;
