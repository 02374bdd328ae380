export { LogStore } from './log-store';
