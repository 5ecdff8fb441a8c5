export const hello = (): string => 'ddd';
