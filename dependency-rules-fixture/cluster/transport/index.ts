export { peers } from './peers';
