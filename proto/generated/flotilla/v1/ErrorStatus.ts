// Original file: proto/flotilla.proto


export interface ErrorStatus {
  'status'?: (number);
  'message'?: (string);
  'metadata'?: ({[key: string]: string});
}

export interface ErrorStatus__Output {
  'status': (number);
  'message': (string);
  'metadata': ({[key: string]: string});
}
