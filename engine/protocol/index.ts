export type * from './messages';
export type * from './tools';
export type * from './chatRequest';
export type * from './chatResponse';
export type * from './serverInfo';
