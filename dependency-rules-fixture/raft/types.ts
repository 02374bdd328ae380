export interface Entry { index: number }
