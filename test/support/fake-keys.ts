export * from '../../src/devtools/fake-keys';
