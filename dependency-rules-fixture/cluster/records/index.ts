// Breaks records-import-only-bytes: the record codec reaching for the store.
import type { LogStore } from '../../log-store';

export type Store = LogStore;
