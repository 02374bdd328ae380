export type { Entry } from './types';
