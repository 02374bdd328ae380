export { node } from './node';
