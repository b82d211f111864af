export * from './versioned-schema';
