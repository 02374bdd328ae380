export const API = 'flotilla.v1';
